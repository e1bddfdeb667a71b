#include "program-options.h"

#include "command-line-error.h"

#include "ns3/attribute.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/nstime.h"
#include "ns3/string.h"
#include "ns3/type-id.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace ns3
{

namespace
{

/// Shortest text that reads back as the same double.
std::string
ExactText(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

bool
EndsWith(const std::string& text, const std::string& tail)
{
    return text.size() >= tail.size() &&
           text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

bool
IsScenarioFileName(const std::string& arg)
{
    return EndsWith(arg, ".yaml") || EndsWith(arg, ".yml");
}

/// ns-3's informational options, answered by ns-3's own CommandLine.
bool
IsNs3PrintOption(const std::string& name)
{
    return name == "PrintGlobals" || name == "PrintGroups" || name == "PrintTypeIds" ||
           name == "PrintAttributes" || name == "PrintGroup" || name == "PrintVersion";
}

/// The checker of global value `name`, or null if there is none.
Ptr<const AttributeChecker>
GlobalValueChecker(const std::string& name)
{
    for (auto it = GlobalValue::Begin(); it != GlobalValue::End(); ++it)
    {
        if ((*it)->GetName() == name)
        {
            return (*it)->GetChecker();
        }
    }
    return nullptr;
}

bool
GlobalValueExists(const std::string& name)
{
    return GlobalValueChecker(name) != nullptr;
}

/**
 * Whether ns-3 reads `text` as a value of `checker`'s type, and accepts it, without ending the
 * process. ns-3's readers of most value types abort on text they cannot read (found by
 * fuzzing): ATTRIBUTE_HELPER's DeserializeFromString on trailing characters ("1:2:3x" for a
 * vector), WifiMode on an unknown mode, PointerValue on an unknown type or one without a
 * constructor. So the reading is tried in a child process first; the parent then reads the
 * text only if the child did without dying. Numbers (checked whole before), booleans, text and
 * enums have readers that never abort and are not tried.
 */
bool
Ns3Reads(const AttributeChecker& checker, const std::string& text)
{
    static const std::set<std::string> neverAbort = {"ns3::UintegerValue",
                                                     "ns3::IntegerValue",
                                                     "ns3::DoubleValue",
                                                     "ns3::BooleanValue",
                                                     "ns3::StringValue",
                                                     "ns3::EnumValue"};
    if (neverAbort.count(checker.GetValueTypeName()))
    {
        return true;
    }
    std::fflush(nullptr); // the child must not write the parent's buffered output again
    const pid_t child = fork();
    if (child < 0)
    {
        return true; // no child: ns-3 reads it in this process, as it would without the check
    }
    if (child == 0)
    {
        // Default actions: a crash handler (a fuzzer's) must not take the probe's end for its
        // own; ns-3's message goes nowhere, the parent's one-line error names the value.
        for (const int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
        {
            std::signal(sig, SIG_DFL);
        }
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
        {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        const bool read = checker.CreateValidValue(StringValue(text)) != nullptr;
        _exit(read ? 0 : 1);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            return false;
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string
GlobalValueList()
{
    std::string list;
    for (auto it = GlobalValue::Begin(); it != GlobalValue::End(); ++it)
    {
        list += (list.empty() ? "" : ", ") + (*it)->GetName();
    }
    return list;
}

/// Attribute names of `tid` and its parents.
std::string
AttributeList(TypeId tid)
{
    std::set<std::string> names;
    for (TypeId t = tid;; t = t.GetParent())
    {
        for (size_t i = 0; i < t.GetAttributeN(); ++i)
        {
            names.insert(t.GetAttribute(i).name);
        }
        if (t.GetParent() == t)
        {
            break;
        }
    }
    std::string list;
    for (const auto& name : names)
    {
        list += (list.empty() ? "" : ", ") + name;
    }
    return list;
}

/// A program's alias or fixed attribute must name a real one: a typo would never match.
void
CheckAttributeExists(const std::string& attribute)
{
    const size_t split = attribute.rfind("::");
    TypeId tid;
    TypeId::AttributeInformation info;
    if (split == std::string::npos ||
        !TypeId::LookupByNameFailSafe(attribute.substr(0, split), &tid) ||
        !tid.LookupAttributeByName(attribute.substr(split + 2), &info))
    {
        throw std::logic_error("program names an unknown attribute '" + attribute + "'");
    }
}

/// `text` on one line: control characters as escapes.
std::string
OneLine(const std::string& text)
{
    std::string line;
    for (const char c : text)
    {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n')
        {
            line += "\\n";
        }
        else if (c == '\r')
        {
            line += "\\r";
        }
        else if (c == '\t')
        {
            line += "\\t";
        }
        else if (byte < 0x20 || byte == 0x7f)
        {
            const char* hex = "0123456789abcdef";
            line += std::string("\\x") + hex[byte >> 4] + hex[byte & 0xf];
        }
        else
        {
            line += c;
        }
    }
    return line;
}

} // namespace

OptionError::OptionError(const std::string& message)
    : std::invalid_argument(OneLine(message))
{
}

ProgramOptions::ProgramOptions(std::string program, std::string usage)
    : m_program(std::move(program)),
      m_usage(std::move(usage))
{
    GivenAttributes().clear(); // one program's options at a time
}

void
ProgramOptions::Add(const std::string& name, Option option)
{
    if (m_options.count(name) || name.empty() || name.rfind("ns3::", 0) == 0)
    {
        throw std::logic_error("option '" + name + "' added twice or not a plain name");
    }
    option.defaultText = option.get();
    m_options.emplace(name, std::move(option));
    m_order.push_back(name);
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, uint32_t& value)
{
    Add(name,
        {help,
         "whole number",
         [&value](const std::string& what, const std::string& text) {
             value = static_cast<uint32_t>(
                 ParseUnsigned(what, text, std::numeric_limits<uint32_t>::max()));
         },
         [&value]() { return std::to_string(value); }});
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, uint64_t& value)
{
    Add(name,
        {help,
         "whole number",
         [&value](const std::string& what, const std::string& text) {
             value = ParseUnsigned(what, text, std::numeric_limits<uint64_t>::max());
         },
         [&value]() { return std::to_string(value); }});
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, int& value)
{
    Add(name,
        {help,
         "integer",
         [&value](const std::string& what, const std::string& text) {
             value = static_cast<int>(ParseSigned(what,
                                                  text,
                                                  std::numeric_limits<int>::min(),
                                                  std::numeric_limits<int>::max()));
         },
         [&value]() { return std::to_string(value); }});
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, double& value)
{
    Add(name,
        {help,
         "number",
         [&value](const std::string& what, const std::string& text) {
             value = ParseReal(what, text);
         },
         [&value]() { return ExactText(value); }});
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, bool& value)
{
    Add(name,
        {help,
         "true or false",
         [&value](const std::string& what, const std::string& text) {
             value = ParseBool(what, text);
         },
         [&value]() { return std::string(value ? "true" : "false"); }});
}

void
ProgramOptions::AddValue(const std::string& name, const std::string& help, std::string& value)
{
    Add(name,
        {help,
         "text",
         [&value](const std::string&, const std::string& text) { value = text; },
         [&value]() { return value; }});
}

void
ProgramOptions::Range(const std::string& option, double min, double max, const std::string& why)
{
    auto it = m_options.find(option);
    if (it == m_options.end() || it->second.type == "text" || it->second.type == "true or false")
    {
        throw std::logic_error("range for '" + option + "', which is not a number option");
    }
    it->second.ranged = true;
    it->second.min = min;
    it->second.max = max;
    it->second.why = why;
}

void
ProgramOptions::CommonRanges()
{
    const std::vector<std::tuple<const char*, double, double, const char*>> ranges = {
        {"seed", 1, 4294967295.0, ""},
        {"run", 1, 4294967295.0, ""},
        {"duration", 1e-3, 1e7, "seconds"},
        {"timeout", 1e-3, 1e7, "seconds"},
        {"drain", 0, 1e7, "seconds"},
    };
    for (const auto& [name, min, max, why] : ranges)
    {
        if (m_options.count(name))
        {
            Range(name, min, max, why);
        }
    }
}

void
ProgramOptions::SetOption(Option& option, const std::string& what, const std::string& text)
{
    option.set(what, text);
    option.given = true;
    if (option.ranged)
    {
        const double value = std::stod(option.get());
        if (!(value >= option.min && value <= option.max))
        {
            throw OptionError(what + " is out of range (accepted: " + ExactText(option.min) +
                              " to " + ExactText(option.max) +
                              (option.why.empty() ? "" : "; " + option.why) + ")");
        }
    }
}

void
ProgramOptions::Fixed(const std::string& attribute, const std::string& why)
{
    CheckAttributeExists(attribute);
    m_fixed[attribute] = why;
}

void
ProgramOptions::Alias(const std::string& attribute, const std::string& option)
{
    if (!m_options.count(option))
    {
        throw std::logic_error("alias of '" + attribute + "' to unknown option '" + option + "'");
    }
    const size_t split = attribute.rfind("::");
    TypeId tid;
    TypeId::AttributeInformation info;
    if (split == std::string::npos ||
        !TypeId::LookupByNameFailSafe(attribute.substr(0, split), &tid) ||
        !tid.LookupAttributeByName(attribute.substr(split + 2), &info))
    {
        throw std::logic_error("alias of unknown attribute '" + attribute + "'");
    }
    m_aliases[attribute] = option;
}

uint64_t
ProgramOptions::ParseUnsigned(const std::string& what, const std::string& text, uint64_t max)
{
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end || value > max)
    {
        throw OptionError(what + " is not a whole number (accepted: 0 to " + std::to_string(max) +
                          ")");
    }
    return value;
}

int64_t
ProgramOptions::ParseSigned(const std::string& what,
                            const std::string& text,
                            int64_t min,
                            int64_t max)
{
    int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end || value < min || value > max)
    {
        throw OptionError(what + " is not an integer (accepted: " + std::to_string(min) + " to " +
                          std::to_string(max) + ")");
    }
    return value;
}

double
ProgramOptions::ParseReal(const std::string& what, const std::string& text)
{
    double value = 0;
    const char* begin = text.data();
    // from_chars refuses a leading '+', which users type for exponents only; allow it once.
    if (!text.empty() && text[0] == '+')
    {
        ++begin;
    }
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(begin, end, value);
    if (begin == end || result.ec != std::errc() || result.ptr != end || !std::isfinite(value))
    {
        throw OptionError(what + " is not a finite number");
    }
    return value;
}

double
ProgramOptions::ParseTimeSeconds(const std::string& what, const std::string& text)
{
    // ns-3's units (nstime.h), longest first so that "ms" is not read as "s".
    static const std::vector<std::pair<std::string, double>> units = {{"min", 60},
                                                                      {"ms", 1e-3},
                                                                      {"us", 1e-6},
                                                                      {"ns", 1e-9},
                                                                      {"ps", 1e-12},
                                                                      {"fs", 1e-15},
                                                                      {"y", 31536000},
                                                                      {"d", 86400},
                                                                      {"h", 3600},
                                                                      {"s", 1}};
    std::string number = text;
    double scale = 1;
    for (const auto& [unit, seconds] : units)
    {
        if (EndsWith(text, unit))
        {
            number = text.substr(0, text.size() - unit.size());
            scale = seconds;
            break;
        }
    }
    const std::string accepted =
        " (accepted: a number of seconds, or with a unit: 250ms, 2min; at most " +
        ExactText(MAX_TIME_SECONDS) + " s, ns-3's Time range)";
    double value = 0;
    try
    {
        value = ParseReal(what, number) * scale;
    }
    catch (const OptionError&)
    {
        throw OptionError(what + " is not a time" + accepted);
    }
    if (!(std::abs(value) <= MAX_TIME_SECONDS))
    {
        throw OptionError(what + " is not a time" + accepted);
    }
    return value;
}

bool
ProgramOptions::ParseBool(const std::string& what, const std::string& text)
{
    if (text == "true" || text == "1")
    {
        return true;
    }
    if (text == "false" || text == "0")
    {
        return false;
    }
    throw OptionError(what + " is not true or false (accepted: true, false, 1, 0)");
}

void
ProgramOptions::Set(const std::string& key, const std::string& text, const std::string& where)
{
    // `what` names the value as the user wrote it, in the file or on the command line.
    const std::string what = where.empty() ? "--" + key + "=" + text : where + key + ": " + text;
    if (key.rfind("ns3::", 0) == 0)
    {
        SetAttribute(key, text, where);
        return;
    }
    auto it = m_options.find(key);
    if (it == m_options.end() && (key == "RngSeed" || key == "RngRun"))
    {
        auto alias = m_options.find(key == "RngSeed" ? "seed" : "run");
        if (alias != m_options.end())
        {
            SetOption(alias->second, what, text);
            return;
        }
        SetGlobal(key, text, where);
        return;
    }
    if (it == m_options.end())
    {
        if (GlobalValueExists(key))
        {
            SetGlobal(key, text, where);
            return;
        }
        throw OptionError(
            (where.empty() ? "unknown option --" + key : where + "unknown key '" + key + "'") +
            " for " + m_program + "; accepted: " + OptionList());
    }
    SetOption(it->second, what, text);
}

void
ProgramOptions::SetAttribute(const std::string& key,
                             const std::string& text,
                             const std::string& where)
{
    const std::string what = where.empty() ? "--" + key + "=" + text : where + key + ": " + text;
    const size_t split = key.rfind("::");
    const std::string typeName = key.substr(0, split);
    const std::string attributeName = key.substr(split + 2);
    TypeId tid;
    if (split <= 3 || !TypeId::LookupByNameFailSafe(typeName, &tid))
    {
        throw OptionError(what + ": no type '" + typeName +
                          "' (accepted: ns3::Type::Attribute; --PrintTypeIds lists the types)");
    }
    TypeId::AttributeInformation info;
    if (!tid.LookupAttributeByName(attributeName, &info))
    {
        throw OptionError(what + ": " + typeName + " has no attribute '" + attributeName +
                          "'; accepted: " + AttributeList(tid));
    }
    auto fixed = m_fixed.find(key);
    if (fixed != m_fixed.end())
    {
        throw OptionError(what + ": " + m_program + " sets " + key + " itself (" + fixed->second +
                          ")");
    }
    const std::string valueType = info.checker->GetValueTypeName();
    auto alias = m_aliases.find(key);
    if (alias != m_aliases.end())
    {
        // The program's option holds a time in seconds where the attribute holds a Time.
        std::string optionText = text;
        if (valueType == "ns3::TimeValue")
        {
            optionText = ExactText(ParseTimeSeconds(what, text));
        }
        Option& option = m_options.at(alias->second);
        SetOption(option, what, optionText);
        return;
    }
    // Numbers are checked whole here: ns-3's own readers would take "3.7" as 3.
    if (valueType == "ns3::UintegerValue")
    {
        ParseUnsigned(what, text, std::numeric_limits<uint64_t>::max());
    }
    else if (valueType == "ns3::IntegerValue")
    {
        ParseSigned(what,
                    text,
                    std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max());
    }
    else if (valueType == "ns3::DoubleValue")
    {
        ParseReal(what, text);
    }
    else if (valueType == "ns3::BooleanValue")
    {
        ParseBool(what, text);
    }
    // ns-3 aborts on a time it cannot read: read it here.
    const bool isTime = valueType == "ns3::TimeValue";
    const double seconds = isTime ? ParseTimeSeconds(what, text) : 0;
    Ptr<AttributeValue> value;
    if (isTime || Ns3Reads(*info.checker, text))
    {
        value = isTime ? info.checker->CreateValidValue(TimeValue(Seconds(seconds)))
                       : info.checker->CreateValidValue(StringValue(text));
    }
    if (!value || !Config::SetDefaultFailSafe(key, *value))
    {
        std::string accepted = info.checker->GetUnderlyingTypeInformation();
        throw OptionError(what + " is not accepted by " + key +
                          (accepted.empty() ? "" : " (accepted: " + accepted + ")"));
    }
    GivenAttributes().insert(key);
}

std::set<std::string>&
ProgramOptions::GivenAttributes()
{
    static std::set<std::string> given;
    return given;
}

void
ProgramOptions::SetDefaultUnlessGiven(const std::string& attribute, const AttributeValue& value)
{
    if (!GivenAttributes().count(attribute))
    {
        Config::SetDefault(attribute, value);
    }
}

void
ProgramOptions::SetGlobal(const std::string& key, const std::string& text, const std::string& where)
{
    const std::string what = where.empty() ? "--" + key + "=" + text : where + key + ": " + text;
    if (key == "RngSeed" && ParseUnsigned(what, text, std::numeric_limits<uint32_t>::max()) == 0)
    {
        throw OptionError(what + " is not a seed (accepted: 1 to 4294967295)");
    }
    if (key == "RngRun")
    {
        ParseUnsigned(what, text, std::numeric_limits<uint64_t>::max());
    }
    Ptr<const AttributeChecker> checker = GlobalValueChecker(key);
    if (!checker)
    {
        throw OptionError(what + ": no global value '" + key + "'; accepted: " + GlobalValueList());
    }
    if (!Ns3Reads(*checker, text) || !GlobalValue::BindFailSafe(key, StringValue(text)))
    {
        throw OptionError(what + " is not accepted by the global value " + key);
    }
}

namespace
{

YAML::Node
LoadScenario(std::istream& in, const std::string& file)
{
    YAML::Node root;
    try
    {
        root = YAML::Load(in);
    }
    catch (const YAML::Exception& e)
    {
        throw OptionError(file + ":" + std::to_string(e.mark.line + 1) +
                          ": not valid YAML: " + e.msg);
    }
    if (!root.IsMap())
    {
        throw OptionError(file + ": a scenario file is a map of keys to values (key: value)");
    }
    return root;
}

std::ifstream
OpenScenario(const std::string& file)
{
    std::ifstream in(file);
    if (!in)
    {
        throw OptionError("cannot read scenario file '" + file + "'");
    }
    return in;
}

} // namespace

std::string
ProgramOptions::ScenarioProgram(const std::string& file)
{
    std::ifstream in = OpenScenario(file);
    const YAML::Node root = LoadScenario(in, file);
    const YAML::Node program = root["program"];
    if (!program || !program.IsScalar() || program.Scalar().empty())
    {
        throw OptionError(file + ": no 'program' key naming the program that runs it "
                                 "(for example program: edge-llm-moa)");
    }
    return program.Scalar();
}

void
ProgramOptions::ReadScenario(const std::string& file)
{
    std::ifstream in = OpenScenario(file);
    ReadScenario(in, file);
}

void
ProgramOptions::ReadScenario(std::istream& in, const std::string& file)
{
    const YAML::Node root = LoadScenario(in, file);
    std::map<std::string, int> seen;
    for (const auto& entry : root)
    {
        const int line = entry.first.Mark().line + 1;
        const std::string where = file + ":" + std::to_string(line) + ": ";
        if (!entry.first.IsScalar())
        {
            throw OptionError(where + "a key must be a name");
        }
        const std::string key = entry.first.Scalar();
        auto [previous, fresh] = seen.emplace(key, line);
        if (!fresh)
        {
            throw OptionError(where + "key '" + key + "' given twice (also on line " +
                              std::to_string(previous->second) + ")");
        }
        const YAML::Node& node = entry.second;
        std::string text;
        if (node.IsScalar())
        {
            text = node.Scalar();
        }
        else if (node.IsSequence())
        {
            for (const auto& item : node)
            {
                if (!item.IsScalar())
                {
                    throw OptionError(where + key + ": a list holds single values only");
                }
                text += (text.empty() ? "" : ",") + item.Scalar();
            }
        }
        else
        {
            throw OptionError(where + key + ": " + (node.IsNull() ? "has no value" : "is a map") +
                              " (accepted: one value, or a list)");
        }
        if (key == "program")
        {
            if (text != m_program)
            {
                throw OptionError(where + "program: " + text + " is not this program (" +
                                  m_program + "); run it with ./edge-llm run " + file);
            }
            continue;
        }
        if (key == "description")
        {
            continue;
        }
        Set(key, text, where);
    }
}

bool
ProgramOptions::ParseArguments(const std::vector<std::string>& args)
{
    m_scenarioFile.clear();
    // The scenario file first, wherever it is given: the command line overrides it.
    std::vector<std::pair<std::string, std::string>> options; // name, value text
    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h" || arg == "--PrintHelp")
        {
            return false;
        }
        if (arg.rfind("--", 0) != 0)
        {
            if (i == 0 && IsScenarioFileName(arg))
            {
                options.emplace_back("scenario", arg);
                continue;
            }
            throw OptionError("unexpected argument '" + arg +
                              "' (accepted: a first SCENARIO.yaml, then --name=value options)");
        }
        const size_t equals = arg.find('=');
        const std::string name = arg.substr(2, equals == std::string::npos ? equals : equals - 2);
        if (IsNs3PrintOption(name))
        {
            // ns-3 prints what was asked for and exits.
            CommandLine cmd;
            cmd.Parse(std::vector<std::string>{m_program, arg});
            std::exit(0);
        }
        if (equals == std::string::npos)
        {
            auto it = m_options.find(name);
            if (it != m_options.end() && it->second.type == "true or false")
            {
                options.emplace_back(name, "true");
                continue;
            }
            throw OptionError("--" + name + " needs a value: --" + name + "=VALUE");
        }
        options.emplace_back(name, arg.substr(equals + 1));
    }
    for (const auto& [name, value] : options)
    {
        if (name == "scenario")
        {
            if (!m_scenarioFile.empty())
            {
                throw OptionError("two scenario files: '" + m_scenarioFile + "' and '" + value +
                                  "' (accepted: one)");
            }
            m_scenarioFile = value;
            ReadScenario(value);
        }
    }
    for (const auto& [name, value] : options)
    {
        if (name != "scenario")
        {
            Set(name, value, "");
        }
    }
    return true;
}

void
ProgramOptions::Parse(int argc, char* argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
    bool run = false;
    try
    {
        run = ParseArguments(args);
    }
    catch (const OptionError& e)
    {
        FailOnCommandLine(e.what());
    }
    if (!run)
    {
        std::cout << Help();
        std::exit(0);
    }
}

bool
ProgramOptions::WasGiven(const std::string& name) const
{
    auto it = m_options.find(name);
    return it != m_options.end() && it->second.given;
}

const std::string&
ProgramOptions::GetScenarioFile() const
{
    return m_scenarioFile;
}

const std::string&
ProgramOptions::GetProgram() const
{
    return m_program;
}

std::map<std::string, std::string>
ProgramOptions::Values() const
{
    std::map<std::string, std::string> values;
    for (const auto& [name, option] : m_options)
    {
        values[name] = option.get();
    }
    return values;
}

std::string
ProgramOptions::OptionList() const
{
    std::string list;
    for (const auto& name : m_order)
    {
        list += (list.empty() ? "" : ", ") + name;
    }
    return list + " (and ns3::Type::Attribute, RngSeed, RngRun)";
}

std::string
ProgramOptions::Help() const
{
    std::ostringstream os;
    os << m_usage << "\n\nUsage: " << m_program << " [SCENARIO.yaml] [--name=value ...]\n\n";
    size_t width = 0;
    for (const auto& name : m_order)
    {
        width = std::max(width, name.size());
    }
    os << "Options:\n";
    for (const auto& name : m_order)
    {
        const Option& option = m_options.at(name);
        os << "  --" << name << std::string(width - name.size() + 2, ' ') << option.help << " ["
           << option.defaultText << "]";
        if (option.ranged)
        {
            os << " (" << ExactText(option.min) << " to " << ExactText(option.max) << ")";
        }
        os << "\n";
    }
    os << "\nAlso:\n"
       << "  --scenario=FILE                 a YAML file of these options (the command line "
          "overrides it)\n"
       << "  --ns3::Type::Attribute=VALUE    any ns-3 attribute's default\n"
       << "  --RngSeed=N, --RngRun=N         ns-3's seed and run number\n"
       << "  --PrintTypeIds, --PrintAttributes=TYPE, --PrintGlobals   ns-3's lists\n";
    if (!m_aliases.empty())
    {
        os << "\nAttributes this program sets from its options (giving one sets the option):\n";
        for (const auto& [attribute, option] : m_aliases)
        {
            os << "  " << attribute << " -> --" << option << "\n";
        }
    }
    if (!m_fixed.empty())
    {
        os << "\nAttributes this program sets itself (giving one is refused):\n";
        for (const auto& [attribute, why] : m_fixed)
        {
            os << "  " << attribute << ": " << why << "\n";
        }
    }
    return os.str();
}

} // namespace ns3
