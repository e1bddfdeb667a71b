/*
 * Shared test scaffolding: every simulation test starts from a clean simulator, default
 * attributes and fixed seeds, and may ask for a private temporary directory.
 */
#ifndef EDGE_LLM_TEST_FIXTURE_H
#define EDGE_LLM_TEST_FIXTURE_H

#include "roofline-cost-model.h"

#include "ns3/config.h"
#include "ns3/node.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

namespace ns3
{
namespace test
{

/// Resets ns-3's global state before and after each test so tests cannot leak into each other.
class SimulationTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        Simulator::Destroy();
        Config::Reset();
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
    }

    void TearDown() override
    {
        Simulator::Destroy();
        Config::Reset();
        for (const auto& dir : m_tempDirs)
        {
            std::error_code error;
            std::filesystem::remove_all(dir, error);
        }
    }

    /// A fresh directory, removed after the test.
    std::string TempDir()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "edge-llm-test-XXXXXX").string();
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const char* made = mkdtemp(buffer.data());
        EXPECT_NE(made, nullptr) << "mkdtemp failed";
        m_tempDirs.emplace_back(buffer.data());
        return m_tempDirs.back();
    }

  private:
    std::vector<std::string> m_tempDirs;
};

/// A simulation test that creates nodes (with engines, applications) and disposes of them
/// before the simulator is destroyed.
class NodeOwningTest : public SimulationTest
{
  protected:
    Ptr<Node> NewNode()
    {
        m_nodes.push_back(CreateObject<Node>());
        return m_nodes.back();
    }

    void TearDown() override
    {
        for (auto& node : m_nodes)
        {
            node->Dispose();
        }
        m_nodes.clear();
        SimulationTest::TearDown();
    }

  private:
    std::vector<Ptr<Node>> m_nodes;
};

/// Writes `text` to `path` byte for byte.
inline void
WriteFile(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// The whole file as a string ("" when missing).
inline std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Fails the test when a child's stderr holds a sanitizer report (./edge-llm sanitize): the
/// report is the finding, whatever exit code the test expected of the child (a refusal's exit 2
/// and a sanitizer's abort are both non-zero).
inline void
ExpectNoSanitizerReport(const std::string& what, const std::string& stderrText)
{
    for (const char* marker :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: "})
    {
        EXPECT_EQ(stderrText.find(marker), std::string::npos)
            << what << ": sanitizer report on stderr:\n"
            << stderrText;
    }
}

/// A CSV file as rows of fields (no quoting: edge-llm writes none).
inline std::vector<std::vector<std::string>>
ReadCsv(const std::string& path)
{
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        std::vector<std::string> fields;
        std::stringstream ss(line);
        std::string field;
        while (std::getline(ss, field, ','))
        {
            fields.push_back(field);
        }
        if (!line.empty() && line.back() == ',')
        {
            fields.emplace_back(); // getline drops a trailing empty field
        }
        rows.push_back(fields);
    }
    return rows;
}

/// The index of the column named `name` in ReadCsv's header row (a test failure if absent).
inline size_t
CsvColumn(const std::vector<std::vector<std::string>>& rows, const std::string& name)
{
    EXPECT_FALSE(rows.empty()) << "no header row";
    if (rows.empty())
    {
        return 0;
    }
    const auto it = std::find(rows[0].begin(), rows[0].end(), name);
    EXPECT_NE(it, rows[0].end()) << "no column " << name;
    return static_cast<size_t>(it - rows[0].begin());
}

/// A roofline cost model of two presets.
inline Ptr<RooflineCostModel>
Roofline(const std::string& model, const std::string& device)
{
    Ptr<RooflineCostModel> m = CreateObject<RooflineCostModel>();
    m->SetModel(ModelSpec::Preset(model));
    m->SetDevice(DeviceProfile::Preset(device));
    return m;
}

} // namespace test
} // namespace ns3

#endif // EDGE_LLM_TEST_FIXTURE_H
