// Random forest prediction beside a plain baseline: each row walks each tree alone, one
// dependent chain of node loads at a time (what a textbook predict does). Trees are grown on
// 800,000 rows, so each is as large as at the full benchmark size (1,000,000 x 20, 80% train):
// megabytes of nodes, deep levels outside L2.

#include <benchmark/benchmark.h>

#include <oddkit/oddkit.hpp>

#include <map>

namespace {

/// Two noisy classes from 20 features, 8 of them informative.
void make_data(std::size_t n, oddkit::Matrix &X, oddkit::Vector &y) {
    oddkit::Random rng(3);
    X = xt::empty<double>({n, std::size_t{20}});
    y = xt::empty<double>({n});
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < 20; ++j) {
            X(i, j) = rng.normal();
            if (j < 8) s += (j % 2 ? 1.0 : -0.7) * X(i, j) * (j < 4 ? X(i, j + 4) : 1.0);
        }
        y[i] = (s + 0.5 * rng.normal() > 0.0) ? 1.0 : 0.0;
    }
}

struct Fitted {
    oddkit::Matrix X;
    oddkit::Vector y;
    oddkit::RandomForestClassifier forest{{.n_estimators = 8, .n_jobs = -1, .random_state = 1}};
    std::vector<double> threshold;
    std::vector<std::int32_t> feature, left;
    std::vector<std::uint32_t> tree_begin;
    std::vector<double> leaf_values;

    Fitted() {
        make_data(800000, X, y);
        forest.fit(X, y);
        const oddkit::Json doc = forest.to_document();
        const oddkit::Json &s = doc.at("state");
        threshold = s.at("node_threshold").get<std::vector<double>>();
        feature = s.at("node_feature").get<std::vector<std::int32_t>>();
        left = s.at("node_left").get<std::vector<std::int32_t>>();
        tree_begin = s.at("tree_begin").get<std::vector<std::uint32_t>>();
        leaf_values = s.at("leaf_values").get<std::vector<double>>();
    }
};

const Fitted &fitted() {
    static const Fitted f;
    return f;
}

void BM_RandomForestPredictProba(benchmark::State &state) {
    const Fitted &f = fitted();
    const oddkit::MatrixView X(f.X.data(), 100000, 20);
    oddkit::RandomForestClassifier forest = f.forest;
    std::vector<double> out(100000 * 2);
    for (auto _ : state) {
        forest.predict_proba(X, out.data(), out.size());
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["nodes"] = static_cast<double>(forest.node_count());
    state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_RandomForestPredictProba)->Unit(benchmark::kMillisecond);

// Baseline: row by row, tree by tree, over the same node arrays.
void BM_BaselineRowByRowWalk(benchmark::State &state) {
    const Fitted &f = fitted();
    std::vector<double> out(100000 * 2);
    const std::size_t T = f.tree_begin.size() - 1;
    for (auto _ : state) {
        for (std::size_t i = 0; i < 100000; ++i) {
            const double *x = f.X.data() + i * 20;
            double p0 = 0, p1 = 0;
            for (std::size_t t = 0; t < T; ++t) {
                std::size_t at = f.tree_begin[t];
                while (f.feature[at] >= 0) {
                    at = f.tree_begin[t] + static_cast<std::size_t>(f.left[at]) +
                         (x[f.feature[at]] <= f.threshold[at] ? 0 : 1);
                }
                p0 += f.leaf_values[2 * static_cast<std::size_t>(f.left[at])];
                p1 += f.leaf_values[2 * static_cast<std::size_t>(f.left[at]) + 1];
            }
            out[2 * i] = p0 / static_cast<double>(T);
            out[2 * i + 1] = p1 / static_cast<double>(T);
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_BaselineRowByRowWalk)->Unit(benchmark::kMillisecond);

} // namespace

namespace {

// The walk's tuning: rows in flight (lanes) and rows per chunk, one thread.
template <std::size_t Lanes, std::size_t Chunk> void BM_WalkTuning(benchmark::State &state) {
    const Fitted &f = fitted();
    std::vector<oddkit::ForestNode> nodes(f.threshold.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i] = {f.threshold[i], f.feature[i], f.left[i]};
    const oddkit::detail::ForestLayout layout{nodes.data(), f.tree_begin.data(), f.tree_begin.size() - 1,
                                              f.leaf_values.data(), 2};
    const oddkit::MatrixView X(f.X.data(), 50000, 20);
    std::vector<double> out(50000 * 2);
    for (auto _ : state) {
        oddkit::detail::sum_leaf_values<Lanes, Chunk>(layout, X, 0, 50000, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 50000);
}
BENCHMARK(BM_WalkTuning<8, 65536>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WalkTuning<16, 65536>)->Unit(benchmark::kMillisecond); // the library's choice
BENCHMARK(BM_WalkTuning<32, 65536>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WalkTuning<16, 4096>)->Unit(benchmark::kMillisecond);

} // namespace


namespace {

// Shallow trees (max_depth set, as tuned forests usually have): the pointer walk against the
// complete-tree walk (learn/detail/complete_trees.hpp) over the same trees, one thread.
struct ShallowForest {
    std::vector<oddkit::ForestNode> nodes;
    std::vector<std::uint32_t> tree_begin;
    std::vector<double> leaf_values;
    oddkit::detail::CompleteTrees complete;

    explicit ShallowForest(int max_depth) {
        const Fitted &f = fitted();
        oddkit::RandomForestClassifier forest(
            {.n_estimators = 50, .max_depth = max_depth, .n_jobs = -1, .random_state = 1});
        forest.fit(oddkit::MatrixView(f.X.data(), 200000, 20), oddkit::VectorView(f.y.data(), 200000));
        const oddkit::Json doc = forest.to_document();
        const oddkit::Json &s = doc.at("state");
        const auto threshold = s.at("node_threshold").get<std::vector<double>>();
        const auto feature = s.at("node_feature").get<std::vector<std::int32_t>>();
        const auto left = s.at("node_left").get<std::vector<std::int32_t>>();
        for (std::size_t i = 0; i < threshold.size(); ++i) nodes.push_back({threshold[i], feature[i], left[i]});
        tree_begin = s.at("tree_begin").get<std::vector<std::uint32_t>>();
        leaf_values = s.at("leaf_values").get<std::vector<double>>();
        complete = oddkit::detail::complete_trees(nodes.data(), tree_begin.data(), tree_begin.size() - 1);
    }
};

const ShallowForest &shallow(int max_depth) {
    static std::map<int, ShallowForest> cache;
    auto it = cache.find(max_depth);
    if (it == cache.end()) it = cache.emplace(max_depth, ShallowForest(max_depth)).first;
    return it->second;
}

void BM_ShallowPointerWalk(benchmark::State &state) {
    const ShallowForest &f = shallow(static_cast<int>(state.range(0)));
    const oddkit::detail::ForestLayout layout{f.nodes.data(), f.tree_begin.data(), f.tree_begin.size() - 1,
                                              f.leaf_values.data(), 2};
    const oddkit::MatrixView X(fitted().X.data() + 200000 * 20, 50000, 20);
    std::vector<double> out(50000 * 2);
    for (auto _ : state) {
        oddkit::detail::sum_leaf_values<>(layout, X, 0, 50000, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 50000);
}
BENCHMARK(BM_ShallowPointerWalk)->Arg(6)->Arg(10)->Arg(12)->Unit(benchmark::kMillisecond);

void BM_ShallowCompleteWalk(benchmark::State &state) {
    const ShallowForest &f = shallow(static_cast<int>(state.range(0)));
    const oddkit::MatrixView X(fitted().X.data() + 200000 * 20, 50000, 20);
    std::vector<double> out(50000 * 2);
    const oddkit::detail::ForestLayout layout{f.nodes.data(), f.tree_begin.data(), f.tree_begin.size() - 1,
                                              f.leaf_values.data(), 2};
    for (auto _ : state) {
        oddkit::detail::sum_leaf_values<>(layout, f.complete, X, 0, 50000, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 50000);
}
BENCHMARK(BM_ShallowCompleteWalk)->Arg(6)->Arg(10)->Arg(12)->Unit(benchmark::kMillisecond);

} // namespace
