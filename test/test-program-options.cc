/*
 * ProgramOptions: values parsed whole or refused, scenario files with their file:line errors,
 * the command line over the file, ns-3 attributes and global values that take effect.
 */
#include "edge-llm-test-fixture.h"

#include "ns3/core-module.h"
#include "ns3/data-rate.h"
#include "ns3/edge-llm-module.h"
#include "ns3/point-to-point-net-device.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace ns3;

namespace
{

class ProgramOptionsTest : public ns3::test::SimulationTest
{
  protected:
    void SetUp() override
    {
        SimulationTest::SetUp();
        m_dir = TempDir();
        m_options.AddValue("phones", "Phones", m_phones);
        m_options.AddValue("load", "Load", m_load);
        m_options.AddValue("model", "Model", m_model);
        m_options.AddValue("pcap", "Pcaps", m_pcap);
        m_options.AddValue("fail-node", "Failed node", m_failNode);
        m_options.AddValue("timeout", "Timeout in seconds", m_timeout);
        m_options.AddValue("seed", "Seed", m_seed);
        m_options.AddValue("run", "Run", m_run);
        m_options.Alias("ns3::LlmEngine::QueueCapacity", "phones");
        m_options.Alias("ns3::LlmClient::Timeout", "timeout");
    }

    std::string WriteScenario(const std::string& text)
    {
        const std::string path = m_dir + "/scenario-" + std::to_string(m_files++) + ".yaml";
        std::ofstream(path) << text;
        return path;
    }

    /// The OptionError's message for `args`, or "" if they were accepted.
    std::string Refusal(const std::vector<std::string>& args)
    {
        try
        {
            m_options.ParseArguments(args);
        }
        catch (const OptionError& e)
        {
            return e.what();
        }
        return "";
    }

    ProgramOptions m_options{"edge-llm-test", "A test program."};
    uint32_t m_phones{8};
    double m_load{0.01};
    std::string m_model{"llama-3-8b"};
    bool m_pcap{false};
    int m_failNode{-1};
    double m_timeout{300};
    uint32_t m_seed{1};
    uint32_t m_run{1};
    std::string m_dir;
    int m_files{0};
};

TEST_F(ProgramOptionsTest, ParsesWholeValuesOfEveryType)
{
    ASSERT_TRUE(m_options.ParseArguments(
        {"--phones=12", "--load=2.5e-3", "--model=gpt2-124m", "--pcap", "--fail-node=-3"}));
    EXPECT_EQ(m_phones, 12u);
    EXPECT_DOUBLE_EQ(m_load, 2.5e-3);
    EXPECT_EQ(m_model, "gpt2-124m");
    EXPECT_TRUE(m_pcap);
    EXPECT_EQ(m_failNode, -3);
    EXPECT_TRUE(m_options.WasGiven("phones"));
    EXPECT_FALSE(m_options.WasGiven("timeout"));
    EXPECT_EQ(m_options.Values().at("load"), "0.0025");
}

TEST_F(ProgramOptionsTest, RefusesTruncatedSignedAndNonFiniteValues)
{
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"--phones=3.7", "--phones=3.7 is not a whole number"},
        {"--phones=-1", "--phones=-1 is not a whole number"},
        {"--phones=", "--phones= is not a whole number"},
        {"--phones=99999999999", "accepted: 0 to 4294967295"},
        {"--phones=12abc", "is not a whole number"},
        {"--load=0.5abc", "--load=0.5abc is not a finite number"},
        {"--load=1e999", "is not a finite number"},
        {"--load=nan", "is not a finite number"},
        {"--load=inf", "is not a finite number"},
        {"--pcap=yes", "is not true or false"},
        {"--fail-node=1.5", "is not an integer"},
        {"--phones", "--phones needs a value"},
        {"--phonez=3", "unknown option --phonez for edge-llm-test; accepted: phones, load"},
        {"stray", "unexpected argument 'stray'"},
    };
    for (const auto& [arg, message] : rows)
    {
        const std::string refusal = Refusal({arg});
        EXPECT_NE(refusal.find(message), std::string::npos)
            << arg << ": '" << refusal << "' lacks '" << message << "'";
    }
}

TEST_F(ProgramOptionsTest, CommandLineOverridesTheScenarioFile)
{
    const std::string file = WriteScenario("program: edge-llm-test\n"
                                           "description: a test\n"
                                           "phones: 16   # a comment\n"
                                           "load: 0.2\n"
                                           "model: [gpt2-124m, tinyllama-1.1b]\n");
    ASSERT_TRUE(m_options.ParseArguments({file, "--load=0.3"}));
    EXPECT_EQ(m_phones, 16u);
    EXPECT_DOUBLE_EQ(m_load, 0.3); // the command line wins, wherever it is given
    EXPECT_EQ(m_model, "gpt2-124m,tinyllama-1.1b");
    EXPECT_EQ(m_options.GetScenarioFile(), file);
}

TEST_F(ProgramOptionsTest, ScenarioErrorsNameFileLineAndKey)
{
    struct Row
    {
        std::string text;
        std::string message;
    };

    const std::vector<Row> rows = {
        {"phones: 4\nphonez: 3\n", ":2: unknown key 'phonez' for edge-llm-test; accepted: phones"},
        {"phones: 4\nload: fast\n", ":2: load: fast is not a finite number"},
        {"phones: 4\n\nphones: 5\n", ":3: key 'phones' given twice (also on line 1)"},
        {"phones: [4, {a: 1}]\n", ":1: phones: a list holds single values only"},
        {"phones:\n", ":1: phones: has no value"},
        {"phones: {a: 1}\n", ":1: phones: is a map"},
        {"program: edge-llm-moa\n", ":1: program: edge-llm-moa is not this program"},
        {"phones: [4\n", "not valid YAML"},
        {"- phones\n", "a scenario file is a map of keys to values"},
        {"ns3::LlmEngine::QueueCapacityy: 3\n", "ns3::LlmEngine has no attribute 'QueueCapacityy'"},
        {"ns3::NoSuchType::X: 3\n", "no type 'ns3::NoSuchType'"},
        {"ns3::ContinuousBatchingScheduler::MaxNumSeqs: 3.5\n", ":1: ns3::Continuous"},
        // Found by fuzzing: a block scalar's newline made the refusal two lines.
        {"load: >\n  fast\n", ":1: load: fast\\n is not a finite number"},
        {"\"pho\\tnes\": 3\n", "unknown key 'pho\\tnes'"},
    };
    for (const auto& row : rows)
    {
        const std::string file = WriteScenario(row.text);
        const std::string refusal = Refusal({file});
        EXPECT_EQ(refusal.rfind(file, 0), 0u) << "'" << refusal << "' does not start with the file";
        EXPECT_NE(refusal.find(row.message), std::string::npos)
            << row.text << ": '" << refusal << "' lacks '" << row.message << "'";
        EXPECT_EQ(refusal.find('\n'), std::string::npos) << "'" << refusal << "' is not one line";
    }
    EXPECT_NE(Refusal({m_dir + "/none.yaml"}).find("cannot read scenario file"), std::string::npos);
}

TEST_F(ProgramOptionsTest, ScenarioFromAStreamNamesTheGivenName)
{
    std::istringstream good("phones: 4\nload: 0.5\n");
    m_options.ReadScenario(good, "memory.yaml");
    EXPECT_EQ(m_phones, 4u);
    EXPECT_DOUBLE_EQ(m_load, 0.5);
    std::istringstream bad("phones: 4\nphonez: 3\n");
    try
    {
        m_options.ReadScenario(bad, "memory.yaml");
        ADD_FAILURE() << "an unknown key was accepted";
    }
    catch (const OptionError& e)
    {
        EXPECT_EQ(std::string(e.what()).rfind("memory.yaml:2: unknown key 'phonez'", 0), 0u)
            << e.what();
    }
}

TEST_F(ProgramOptionsTest, Ns3AttributesTakeEffectOrAreRefused)
{
    const std::string file = WriteScenario("ns3::ContinuousBatchingScheduler::MaxNumSeqs: 17\n");
    ASSERT_TRUE(m_options.ParseArguments(
        {file, "--ns3::ContinuousBatchingScheduler::MemoryUtilization=0.5"}))
        << "attributes accepted";
    Ptr<Object> scheduler = CreateObject<ContinuousBatchingScheduler>();
    UintegerValue maxNumSeqs;
    scheduler->GetAttribute("MaxNumSeqs", maxNumSeqs);
    EXPECT_EQ(maxNumSeqs.Get(), 17u);
    DoubleValue utilization;
    scheduler->GetAttribute("MemoryUtilization", utilization);
    EXPECT_DOUBLE_EQ(utilization.Get(), 0.5);

    EXPECT_NE(Refusal({"--ns3::ContinuousBatchingScheduler::MaxNumSeqs=abc"})
                  .find("is not a whole number"),
              std::string::npos);
    EXPECT_NE(Refusal({"--ns3::ContinuousBatchingScheduler::MaxNumSeqs=3.7"})
                  .find("is not a whole number"),
              std::string::npos);
}

// Found by fuzzing (fuzz/fuzz-scenario.cc): ns-3's readers of these value types end the process
// on text they cannot read; the option layer refuses it in one line instead.
TEST_F(ProgramOptionsTest, ValuesNs3CannotReadAreRefusedNotAborted)
{
    struct Row
    {
        std::string text;
        std::string message;
    };

    const std::vector<Row> rows = {
        {"ns3::ConstantRateWifiManager::DataMode: HtMcs99\n",
         ":1: ns3::ConstantRateWifiManager::DataMode: HtMcs99 is not accepted by "
         "ns3::ConstantRateWifiManager::DataMode"},
        {"ns3::RandomWalk2dMobilityModel::Bounds: 0|100|0|100x\n", "0|100|0|100x is not accepted"},
        {"ns3::PointToPointNetDevice::DataRate: 5 Mbps\n", "5 Mbps is not accepted"},
        {"ns3::OnOffApplication::OnTime: ns3::RandomVariableStream\n", "is not accepted"},
        {"ns3::OnOffApplication::OnTime: ns3::NoSuchVariable[Constant=1]\n", "is not accepted"},
        {"SchedulerType: ns3::MapScheduler x\n", "is not accepted by the global value"},
    };
    for (const auto& row : rows)
    {
        const std::string file = WriteScenario(row.text);
        const std::string refusal = Refusal({file});
        EXPECT_NE(refusal.find(row.message), std::string::npos)
            << row.text << ": '" << refusal << "' lacks '" << row.message << "'";
    }
    // Values ns-3 reads are still set.
    const std::string good =
        WriteScenario("ns3::ConstantRateWifiManager::DataMode: HtMcs7\n"
                      "ns3::RandomWalk2dMobilityModel::Bounds: 0|100|0|100\n"
                      "ns3::PointToPointNetDevice::DataRate: 5Mbps\n"
                      "ns3::OnOffApplication::OnTime: ns3::ConstantRandomVariable[Constant=2]\n");
    EXPECT_EQ(Refusal({good}), "");
    DataRateValue rate;
    CreateObject<PointToPointNetDevice>()->GetAttribute("DataRate", rate);
    EXPECT_EQ(rate.Get(), DataRate("5Mbps"));
}

TEST_F(ProgramOptionsTest, AliasedAttributesSetTheProgramsOption)
{
    // The program sets these attributes itself from its options: giving one sets the option,
    // so that it is not overwritten.
    ASSERT_TRUE(m_options.ParseArguments(
        {"--ns3::LlmEngine::QueueCapacity=128", "--ns3::LlmClient::Timeout=2min"}));
    EXPECT_EQ(m_phones, 128u);
    EXPECT_DOUBLE_EQ(m_timeout, 120);
    EXPECT_NE(Refusal({"--ns3::LlmClient::Timeout=soon"}).find("is not a time"), std::string::npos);
}

TEST_F(ProgramOptionsTest, RngSeedAndRunAreTheSeedAndRunOptions)
{
    ASSERT_TRUE(m_options.ParseArguments({"--RngRun=7", "--RngSeed=3"}));
    EXPECT_EQ(m_run, 7u);
    EXPECT_EQ(m_seed, 3u);
    EXPECT_NE(Refusal({"--RngRun=abc"}).find("--RngRun=abc is not a whole number"),
              std::string::npos);

    // A program without seed and run options sets ns-3's global values.
    ProgramOptions bare("bare", "No seed option.");
    ASSERT_TRUE(bare.ParseArguments({"--RngRun=5"}));
    EXPECT_EQ(RngSeedManager::GetRun(), 5u);
    EXPECT_THROW(bare.ParseArguments({"--RngSeed=0"}), OptionError);
}

TEST_F(ProgramOptionsTest, RangesAreCheckedAsValuesAreRead)
{
    m_options.Range("load", 0, 1000, "requests per second");
    m_options.Range("phones", 1, 2007);
    EXPECT_NE(Refusal({"--load=1e308"})
                  .find("--load=1e308 is out of range (accepted: 0 to 1000; requests per second)"),
              std::string::npos);
    EXPECT_NE(Refusal({"--phones=0"}).find("--phones=0 is out of range (accepted: 1 to 2007)"),
              std::string::npos);
    // Through an alias too: the attribute names the option's value.
    EXPECT_NE(Refusal({"--ns3::LlmEngine::QueueCapacity=5000"}).find("is out of range"),
              std::string::npos);
    ASSERT_TRUE(m_options.ParseArguments({"--load=1000", "--phones=2007"}));
    EXPECT_NE(m_options.Help().find("(0 to 1000)"), std::string::npos);
    EXPECT_THROW(m_options.Range("model", 0, 1), std::logic_error);
}

TEST_F(ProgramOptionsTest, HelpListsOptionsWithDefaults)
{
    EXPECT_FALSE(m_options.ParseArguments({"--help"}));
    const std::string help = m_options.Help();
    EXPECT_NE(help.find("--phones"), std::string::npos);
    EXPECT_NE(help.find("[8]"), std::string::npos);
    EXPECT_NE(help.find("ns3::LlmClient::Timeout -> --timeout"), std::string::npos);
}

} // namespace

// The network options AccessNetworkOptions declares are scenario keys like any other: a file's
// topology keys reach the program, and its ranges refuse bad ones with the file and line.
TEST(AccessNetworkOptionsTest, ScenarioKeysAndRanges)
{
    ProgramOptions options("edge-llm-test", "Network options.");
    AccessNetworkOptions network;
    network.AddOptions(options, "client nodes");
    std::istringstream good("mobility: random-waypoint\nspeed: 2.5\npause: 3\n"
                            "propagation: friis\ncells: 4\n");
    options.ReadScenario(good, "net.yaml");
    EXPECT_EQ(network.mobility, "random-waypoint");
    EXPECT_DOUBLE_EQ(network.speed, 2.5);
    EXPECT_DOUBLE_EQ(network.pause, 3);
    EXPECT_EQ(network.propagation, "friis");
    EXPECT_EQ(network.cells, 4u);
    std::istringstream bad("cells: 17\n");
    try
    {
        options.ReadScenario(bad, "net.yaml");
        ADD_FAILURE() << "cells: 17 accepted";
    }
    catch (const OptionError& e)
    {
        EXPECT_NE(std::string(e.what()).find("net.yaml:1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("1 to 16"), std::string::npos) << e.what();
    }
    // Kind() names the option it checks and lists the kinds.
    EXPECT_EQ(AccessNetworkOptions::Kind("wifi"), "wifi-star");
    try
    {
        AccessNetworkOptions::Kind("5g", "access");
        ADD_FAILURE() << "5g accepted";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_EQ(std::string(e.what()),
                  "unknown --access '5g'; accepted: " + AccessNetworkHelper::KindList());
    }
}
