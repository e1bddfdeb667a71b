/*
 * ProgramOptions: the one option layer of every edge-llm program. Options come from the
 * program's defaults, then a scenario file (YAML), then the command line; every value is
 * parsed whole or refused with one line naming where it came from.
 */
#ifndef EDGE_LLM_PROGRAM_OPTIONS_H
#define EDGE_LLM_PROGRAM_OPTIONS_H

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

class AttributeValue;

/// A refused option: what() is the one-line message, already naming the option's source.
/// Control characters the user's text brings in (the newline that ends a YAML block scalar)
/// are written as escapes (\n, \t, \xNN): the message stays one line.
class OptionError : public std::invalid_argument
{
  public:
    explicit OptionError(const std::string& message);
};

/**
 * \ingroup edge-llm
 * \brief Declares a program's options and fills them from a scenario file and the command line.
 *
 * Sources, later ones winning: the defaults (the variables' values when added), the scenario
 * file (`--scenario=FILE`, or a first argument ending in .yaml or .yml), then the command line
 * (`--name=value`; a bool option alone means true). A scenario file is a YAML map whose keys
 * are the same options (a list is joined with commas), plus:
 *  - `program`: the program it is for (checked against this one);
 *  - `description`: free text;
 *  - `ns3::Type::Attribute`: the attribute's default for every object built afterwards;
 *  - `RngSeed`, `RngRun` and the other ns-3 global values.
 * `--ns3::Type::Attribute=value`, `--RngSeed` and `--RngRun` work on the command line too.
 *
 * Values are parsed whole: "3.7" is not a whole number, "0.5abc" is not a number, "-1" is not
 * accepted by an unsigned option, and non-finite numbers are refused. An attribute the program
 * sets itself from one of its options (Alias) sets that option instead, so that it takes effect;
 * `RngSeed` and `RngRun` are aliases of `seed` and `run` when the program has them. Unknown
 * keys, types or attributes are errors that list what is accepted.
 */
class ProgramOptions
{
  public:
    ProgramOptions(std::string program, std::string usage);

    void AddValue(const std::string& name, const std::string& help, uint32_t& value);
    void AddValue(const std::string& name, const std::string& help, uint64_t& value);
    void AddValue(const std::string& name, const std::string& help, int& value);
    void AddValue(const std::string& name, const std::string& help, double& value);
    void AddValue(const std::string& name, const std::string& help, bool& value);
    void AddValue(const std::string& name, const std::string& help, std::string& value);

    /**
     * The values `option` (a number) accepts: `min` to `max`, inclusive; refused outside them
     * when read, before anything is built, with the range in the message and in --help.
     * `why` (optional) says where the limit comes from ("ns-3's Time", "association IDs").
     */
    void Range(const std::string& option, double min, double max, const std::string& why = "");

    /**
     * The ranges every run program shares, for those of these options it has: seed and run
     * 1 to 2^32 - 1, duration and timeout 1 ms to 10^7 s (ns-3's Time holds them; a shorter
     * timeout fires before any answer), drain 0 to 10^7 s.
     */
    void CommonRanges();

    /// The program sets `attribute` ("ns3::Type::Name") itself from `option`: a value given for
    /// the attribute sets the option.
    void Alias(const std::string& attribute, const std::string& option);

    /// The program sets `attribute` itself, to a value no option changes: giving it is refused
    /// with `why`.
    void Fixed(const std::string& attribute, const std::string& why);

    /// Parses argv; on a refused value prints "error: <message>" and exits with code 2;
    /// --help prints the options and exits with 0.
    void Parse(int argc, char* argv[]);
    /// The same without exiting: throws OptionError. Returns false if help was asked for
    /// (Help() is then the text to print).
    bool ParseArguments(const std::vector<std::string>& args);

    /// Options given by the user, in the file or on the command line.
    bool WasGiven(const std::string& name) const;
    /// The scenario file read ("" if none).
    const std::string& GetScenarioFile() const;
    /// Every option as the run used it, name -> value text (for summary.json).
    std::map<std::string, std::string> Values() const;
    std::string Help() const;
    const std::string& GetProgram() const;

    /**
     * The program's own default for an ns-3 attribute (Config::SetDefault), unless the user gave
     * that attribute (in a scenario file or as --ns3::...): then the user's value stays.
     */
    static void SetDefaultUnlessGiven(const std::string& attribute, const AttributeValue& value);

    /// Reads a scenario from `in` as from a file named `name` (what errors name): the
    /// command line's --scenario=FILE without the file (fuzzing, tests).
    void ReadScenario(std::istream& in, const std::string& name);

    /// The `program` key of scenario file `file` (throws OptionError naming the file and line
    /// if it cannot be read, is not a YAML map, or has no such key).
    static std::string ScenarioProgram(const std::string& file);

    /// Whole-value parsers shared by every program (throw OptionError naming `what`).
    static uint64_t ParseUnsigned(const std::string& what, const std::string& text, uint64_t max);
    static int64_t ParseSigned(const std::string& what,
                               const std::string& text,
                               int64_t min,
                               int64_t max);
    static double ParseReal(const std::string& what, const std::string& text);
    static bool ParseBool(const std::string& what, const std::string& text);
    /// A time as ns-3 writes it ("2min", "250ms", "5", "5s"), in seconds, within Time's range.
    static double ParseTimeSeconds(const std::string& what, const std::string& text);

    /// ns-3's Time holds +-2^63 ns (about 292 years); a time beyond this many seconds is refused.
    static constexpr double MAX_TIME_SECONDS = 9.2e9;

  private:
    struct Option
    {
        std::string help;
        std::string type; //!< "whole number", "integer", "number", "true or false", "text"
        std::function<void(const std::string& what, const std::string& text)> set;
        std::function<std::string()> get;
        std::string defaultText;
        bool given{false};
        bool ranged{false};
        double min{0};
        double max{0};
        std::string why; //!< where the range comes from (may be empty)
    };

    void Add(const std::string& name, Option option);
    /// Sets `option` from `text`, then checks its range.
    static void SetOption(Option& option, const std::string& what, const std::string& text);
    /// Sets `key` from `text`; `where` names the source ("--key" or "FILE:LINE: key").
    void Set(const std::string& key, const std::string& text, const std::string& where);
    void SetAttribute(const std::string& key, const std::string& text, const std::string& where);
    void SetGlobal(const std::string& key, const std::string& text, const std::string& where);
    void ReadScenario(const std::string& file);
    std::string OptionList() const;
    /// Attributes the user set in this process (Config defaults are process-wide too).
    static std::set<std::string>& GivenAttributes();

    std::string m_program;
    std::string m_usage;
    std::map<std::string, Option> m_options;
    std::vector<std::string> m_order;             //!< options as added, for the help text
    std::map<std::string, std::string> m_aliases; //!< attribute -> option
    std::map<std::string, std::string> m_fixed;   //!< attribute -> why the user cannot set it
    std::string m_scenarioFile;
};

} // namespace ns3

#endif // EDGE_LLM_PROGRAM_OPTIONS_H
