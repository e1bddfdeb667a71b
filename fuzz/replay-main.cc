/*
 * The replay driver: feeds every file of the given files and directories to the fuzz target's
 * LLVMFuzzerTestOneInput, as libFuzzer would, without libFuzzer. The normal (gcc) build links
 * each target with it, and a ctest replays the committed corpus: its seeds and the
 * reproducers of fixed findings stay green.
 *
 *   edge-llm-fuzz-NAME PATH...    exit 0: every input ran; a broken property aborts
 */

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace
{

/// The files of `path` (itself if a file), sorted so that runs are repeatable.
std::vector<std::filesystem::path>
Inputs(const std::filesystem::path& path)
{
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path))
    {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
        {
            if (entry.is_regular_file())
            {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
    }
    else
    {
        files.push_back(path);
    }
    return files;
}

} // namespace

int
main(int argc, char* argv[])
{
    if (argc < 2)
    {
        std::fprintf(stderr, "error: give the corpus directories or files to replay\n");
        return 2;
    }
    size_t replayed = 0;
    for (int a = 1; a < argc; ++a)
    {
        if (!std::filesystem::exists(argv[a]))
        {
            std::fprintf(stderr, "error: no file or directory '%s'\n", argv[a]);
            return 2;
        }
        for (const auto& file : Inputs(argv[a]))
        {
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>()};
            if (!in.eof() && in.fail())
            {
                std::fprintf(stderr, "error: cannot read '%s'\n", file.c_str());
                return 2;
            }
            // A copy of exactly the input's size, so that a read past it is a heap overflow;
            // never a null pointer (libFuzzer's empty input is not one either).
            std::vector<uint8_t> input(bytes.begin(), bytes.end());
            static const uint8_t none = 0;
            LLVMFuzzerTestOneInput(input.empty() ? &none : input.data(), input.size());
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    return replayed > 0 ? 0 : 1;
}
