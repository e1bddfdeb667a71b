/*
 * Documentation: doc/edge-llm.rst documents every attribute and trace source that edge-llm's
 * TypeIds register, with the registered value type, default and callback signature, and
 * documents nothing the code does not register.
 *
 * The Attributes and Trace Sources sections of the doc hold one list-table per class, with
 * the captions "Attributes of ns3::<Class>" and "Trace sources of ns3::<Class>"; each row
 * starts with the name as an inline literal (``Name``). Attribute rows have the cells
 * name, type, default, meaning; trace source rows name, signature, meaning.
 */

#include "ns3/attribute.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace
{

using namespace ns3;

const std::string DOC_PATH = EDGE_LLM_TEST_DATA_DIR "/../../doc/edge-llm.rst";
const std::string MODEL_DIR = EDGE_LLM_TEST_DATA_DIR "/../../model";

std::string
ReadText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A list-table of the doc: rows by name (the first cell, without ``), each the other cells.
struct DocTable
{
    bool found{false};
    std::map<std::string, std::vector<std::string>> rows;
    std::vector<std::string> duplicates;
};

std::string
Trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos)
    {
        return "";
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

/// Strips one pair of `` around `cell` if present.
std::string
Unliteral(const std::string& cell)
{
    if (cell.size() >= 4 && cell.compare(0, 2, "``") == 0 &&
        cell.compare(cell.size() - 2, 2, "``") == 0)
    {
        return cell.substr(2, cell.size() - 4);
    }
    return cell;
}

/**
 * Parses the list-table whose directive line is ".. list-table:: <caption>". Rows begin with
 * "* - " (the first cell), further cells with "- ", and any other indented line continues the
 * current cell. The first row is the header and is skipped.
 */
DocTable
ParseTable(const std::string& doc, const std::string& caption)
{
    DocTable table;
    std::istringstream in(doc);
    std::string line;
    const std::string directive = ".. list-table:: " + caption;
    while (std::getline(in, line))
    {
        if (Trim(line) == directive)
        {
            table.found = true;
            break;
        }
    }
    if (!table.found)
    {
        return table;
    }
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line))
    {
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        if (!line.empty() && line[0] != ' ')
        {
            break; // the table ends at the first unindented line
        }
        const std::string text = Trim(line);
        if (text.empty() || text[0] == ':')
        {
            continue; // blank line or a directive option
        }
        if (text.compare(0, 4, "* - ") == 0)
        {
            rows.push_back({Trim(text.substr(4))});
        }
        else if (text.compare(0, 2, "- ") == 0 && !rows.empty())
        {
            rows.back().push_back(Trim(text.substr(2)));
        }
        else if (!rows.empty())
        {
            rows.back().back() += " " + text;
        }
    }
    for (size_t i = 1; i < rows.size(); ++i) // row 0 is the header
    {
        const std::string name = Unliteral(rows[i][0]);
        if (table.rows.count(name))
        {
            table.duplicates.push_back(name);
        }
        table.rows[name] = std::vector<std::string>(rows[i].begin() + 1, rows[i].end());
    }
    return table;
}

std::string
Join(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items)
    {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

/// The value type as the doc writes it: "UintegerValue", never "ns3::UintegerValue".
std::string
ValueTypeName(const TypeId::AttributeInformation& info)
{
    std::string name = info.checker->GetValueTypeName();
    if (name.compare(0, 5, "ns3::") == 0)
    {
        name = name.substr(5);
    }
    return name;
}

/// edge-llm's TypeIds registered in this executable.
std::vector<TypeId>
EdgeLlmTypeIds()
{
    std::vector<TypeId> tids;
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); ++i)
    {
        const TypeId tid = TypeId::GetRegistered(i);
        if (tid.GetGroupName() == "EdgeLlm")
        {
            tids.push_back(tid);
        }
    }
    return tids;
}

class Documentation : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        m_doc = ReadText(DOC_PATH);
        ASSERT_FALSE(m_doc.empty()) << "cannot read " << DOC_PATH;
    }

    std::string m_doc;
};

TEST_F(Documentation, FindsTheModuleTypeIds)
{
    // Guards the tests below against passing vacuously (e.g. the module not linked in).
    std::set<std::string> names;
    for (const TypeId& tid : EdgeLlmTypeIds())
    {
        names.insert(tid.GetName());
    }
    for (const char* expected : {"ns3::LlmEngine",
                                 "ns3::LlmServer",
                                 "ns3::LlmClient",
                                 "ns3::ProfiledCostModel",
                                 "ns3::RooflineCostModel"})
    {
        EXPECT_TRUE(names.count(expected)) << expected << " is not registered in group EdgeLlm";
    }
}

TEST_F(Documentation, NamesEveryTypeId)
{
    std::vector<std::string> missing;
    for (const TypeId& tid : EdgeLlmTypeIds())
    {
        if (m_doc.find("``" + tid.GetName() + "``") == std::string::npos)
        {
            missing.push_back(tid.GetName());
        }
    }
    EXPECT_TRUE(missing.empty()) << DOC_PATH
                                 << " never names (as ``ns3::Class``): " << Join(missing);
}

/// What is wrong with a row's cells after the name (empty: nothing).
using CellCheck = std::function<std::string(const std::vector<std::string>& cells)>;

/**
 * One documented table against the names registered for it, each with the check of its
 * row: the table exists when anything is registered, every row has `cellCount` cells after
 * the name (`cellNames` says which) and passes its check, no name is missing or extra, no
 * row is there twice.
 */
void
ExpectTableMatches(const std::string& doc,
                   const std::string& caption,
                   const std::map<std::string, CellCheck>& registered,
                   size_t cellCount,
                   const std::string& cellNames)
{
    const DocTable table = ParseTable(doc, caption);
    std::vector<std::string> missing;
    std::vector<std::string> wrong;
    for (const auto& [name, check] : registered)
    {
        auto row = table.rows.find(name);
        if (row == table.rows.end())
        {
            missing.push_back(name);
            continue;
        }
        const std::vector<std::string>& cells = row->second;
        if (cells.size() != cellCount)
        {
            wrong.push_back(name + ": has " + std::to_string(cells.size()) +
                            " cells after the name, expected " + std::to_string(cellCount) + " (" +
                            cellNames + ")");
            continue;
        }
        const std::string error = check(cells);
        if (!error.empty())
        {
            wrong.push_back(name + ": " + error);
        }
    }
    std::vector<std::string> extra;
    for (const auto& [name, cells] : table.rows)
    {
        if (!registered.count(name))
        {
            extra.push_back(name);
        }
    }
    if (!registered.empty())
    {
        EXPECT_TRUE(table.found) << DOC_PATH << " has no '.. list-table:: " << caption << "'";
    }
    EXPECT_TRUE(missing.empty()) << caption << ": undocumented: " << Join(missing);
    EXPECT_TRUE(wrong.empty()) << caption << ":\n  " << Join(wrong);
    EXPECT_TRUE(extra.empty()) << caption << ": documented but not registered: " << Join(extra);
    EXPECT_TRUE(table.duplicates.empty()) << caption << ": rows twice: " << Join(table.duplicates);
}

TEST_F(Documentation, DocumentsEveryAttribute)
{
    for (const TypeId& tid : EdgeLlmTypeIds())
    {
        std::map<std::string, CellCheck> registered;
        for (std::size_t i = 0; i < tid.GetAttributeN(); ++i)
        {
            const TypeId::AttributeInformation info = tid.GetAttribute(i);
            registered[info.name] = [info](const std::vector<std::string>& cells) {
                std::string error;
                const std::string type = ValueTypeName(info);
                if (cells[0].find(type) == std::string::npos)
                {
                    error += "type cell '" + cells[0] + "' does not name " + type + "; ";
                }
                const std::string value = info.initialValue->SerializeToString(info.checker);
                const bool defaultOk =
                    value.empty() ? cells[1].find("empty") != std::string::npos
                                  : cells[1].find("``" + value + "``") != std::string::npos;
                if (!defaultOk)
                {
                    error += "default cell '" + cells[1] + "' does not show " +
                             (value.empty() ? std::string("'empty'") : "``" + value + "``");
                }
                return error;
            };
        }
        ExpectTableMatches(m_doc,
                           "Attributes of " + tid.GetName(),
                           registered,
                           3,
                           "type, default, meaning");
    }
}

TEST_F(Documentation, DocumentsEveryTraceSource)
{
    for (const TypeId& tid : EdgeLlmTypeIds())
    {
        std::map<std::string, CellCheck> registered;
        for (std::size_t i = 0; i < tid.GetTraceSourceN(); ++i)
        {
            const TypeId::TraceSourceInformation info = tid.GetTraceSource(i);
            const std::string callback = info.callback;
            registered[info.name] = [callback](const std::vector<std::string>& cells) {
                return cells[0].find("``" + callback + "``") == std::string::npos
                           ? "signature cell '" + cells[0] + "' does not name ``" + callback + "``"
                           : std::string();
            };
        }
        ExpectTableMatches(m_doc,
                           "Trace sources of " + tid.GetName(),
                           registered,
                           2,
                           "signature, meaning");
    }
}

/**
 * Classes whose library is not linked into this executable (LiveCostModel lives in
 * edge-llm-torch) are checked from their source: the names passed to AddAttribute and
 * AddTraceSource in the file that defines their TypeId (one class per file).
 */
TEST_F(Documentation, DocumentsClassesNotLinkedHere)
{
    const std::regex typeIdPattern(R"re(TypeId\(\s*"(ns3::[A-Za-z0-9_]+)"\s*\))re");
    const std::regex attributePattern(R"re(\.AddAttribute\(\s*"([^"]+)")re");
    const std::regex tracePattern(R"re(\.AddTraceSource\(\s*"([^"]+)")re");
    size_t checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(MODEL_DIR))
    {
        if (!entry.is_regular_file() || entry.path().extension() != ".cc")
        {
            continue;
        }
        const std::string source = ReadText(entry.path().string());
        std::smatch match;
        if (!std::regex_search(source, match, typeIdPattern) ||
            source.find("SetGroupName(\"EdgeLlm\")") == std::string::npos)
        {
            continue;
        }
        const std::string className = match[1];
        TypeId registered;
        if (TypeId::LookupByNameFailSafe(className, &registered))
        {
            continue; // checked from the registry above
        }
        ++checked;
        for (const auto& [pattern, kind] :
             {std::make_pair(&attributePattern, std::string("Attributes of ")),
              std::make_pair(&tracePattern, std::string("Trace sources of "))})
        {
            std::set<std::string> names;
            for (auto it = std::sregex_iterator(source.begin(), source.end(), *pattern);
                 it != std::sregex_iterator();
                 ++it)
            {
                names.insert((*it)[1]);
            }
            const DocTable table = ParseTable(m_doc, kind + className);
            std::vector<std::string> missing;
            std::vector<std::string> extra;
            for (const auto& name : names)
            {
                if (!table.rows.count(name))
                {
                    missing.push_back(name);
                }
            }
            for (const auto& [name, cells] : table.rows)
            {
                if (!names.count(name))
                {
                    extra.push_back(name);
                }
            }
            EXPECT_TRUE(missing.empty())
                << kind << className << " (from " << entry.path().filename().string()
                << "): undocumented: " << Join(missing);
            EXPECT_TRUE(extra.empty())
                << kind << className << " (from " << entry.path().filename().string()
                << "): documented but not registered: " << Join(extra);
        }
        EXPECT_NE(m_doc.find("``" + className + "``"), std::string::npos)
            << DOC_PATH << " never names ``" << className << "``";
    }
    // LiveCostModel is built only with libtorch, in a library this executable does not link.
    TypeId live;
    if (!TypeId::LookupByNameFailSafe("ns3::LiveCostModel", &live))
    {
        EXPECT_GE(checked, 1u) << "expected ns3::LiveCostModel to be checked from its source";
    }
}

} // namespace
