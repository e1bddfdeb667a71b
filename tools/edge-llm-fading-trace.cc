/*
 * edge-llm-fading-trace: writes a fading trace for ns-3's TraceFadingLossModel.
 *
 *   edge-llm-fading-trace --name=epa-3kmh --out=epa-3kmh.fad [--seed=1]
 *
 * The name is an LteFadingTrace name, <epa|eva|etu>-<km/h>kmh: the 3GPP TS 36.104 Annex B.2
 * channel at that UE speed, whose Doppler shift is taken at the band 3 downlink carrier
 * (1842.5 MHz). The trace covers 100 resource blocks, 10 s in 1 ms samples
 * (FadingTraceGenerator). The build runs it for LteFadingTrace::Built(); run it yourself for
 * another speed and point EDGE_LLM_FADING_PATH at the directory.
 */

#include "ns3/edge-llm-module.h"

#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string name;
    std::string out;
    uint64_t seed = 1;
    ProgramOptions cmd("edge-llm-fading-trace",
                       "Writes a TraceFadingLossModel trace of a 3GPP channel at a speed.");
    cmd.AddValue("name", "Trace: <epa|eva|etu>-<km/h>kmh, e.g. epa-3kmh", name);
    cmd.AddValue("out", "File to write", out);
    cmd.AddValue("seed", "Seed of the random phases (>= 1)", seed);
    cmd.Range("seed", 1, 1.8e19);
    cmd.Parse(argc, argv); // refuses bad options itself (exit 2)
    if (out.empty())
    {
        FailOnCommandLine("--out is required: the file to write");
    }
    try
    {
        const LteFadingTrace trace = LteFadingTrace::Parse(name);
        FadingTraceGenerator generator(trace.profile);
        generator.SetDopplerHz(
            FadingTraceGenerator::DopplerHz(trace.speedKmh, LteFadingTrace::CARRIER_HZ));
        generator.SetResourceBlocks(LteFadingTrace::RESOURCE_BLOCKS);
        generator.SetSamples(LteFadingTrace::SAMPLES, LteFadingTrace::SAMPLE_SECONDS);
        generator.SetSeed(seed);
        generator.Write(out);
    }
    catch (const std::invalid_argument& e)
    {
        FailOnCommandLine(e.what());
    }
    catch (const std::runtime_error& e)
    {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
