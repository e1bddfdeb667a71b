/*
 * LoadLiveCostModelPlugin: programs load libtorch only when the live cost model is asked for.
 */

#include "ns3/live-cost-model-plugin.h"
#include "ns3/type-id.h"

#include <gtest/gtest.h>

using namespace ns3;

TEST(LiveCostModelPluginTest, LoadsTheLiveCostModelOnDemand)
{
    TypeId tid;
    // This test program does not link libtorch: the type exists only once the plugin loads.
    EXPECT_FALSE(TypeId::LookupByNameFailSafe("ns3::LiveCostModel", &tid));
    const std::string why = LoadLiveCostModelPlugin();
#if EDGE_LLM_WITH_TORCH
    EXPECT_EQ(why, "");
    EXPECT_TRUE(TypeId::LookupByNameFailSafe("ns3::LiveCostModel", &tid));
    EXPECT_EQ(LoadLiveCostModelPlugin(), "") << "a second call must succeed too";
#else
    EXPECT_NE(why.find("EDGE_LLM_WITH_TORCH"), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << why;
#endif
}
