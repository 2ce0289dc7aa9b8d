// Fits, saves, reloads and scores through the installed package; exits non-zero on a mismatch.
#include <cstdio>
#include <filesystem>

#include <oddkit/oddkit.hpp>

int main() {
    oddkit::Random rng(1);
    oddkit::Matrix X = xt::empty<double>({std::size_t{500}, std::size_t{3}});
    for (auto &v : X) {
        v = rng.normal();
    }
    X(0, 1) = 12.0;
    oddkit::IsolationForest forest({.n_estimators = 50, .random_state = 3});
    forest.fit(X);
    const auto path = (std::filesystem::temp_directory_path() / "oddkit_consumer_model.cbor").string();
    forest.save(path);
    const auto loaded = oddkit::IsolationForest::load(path);
    const oddkit::Vector a = forest.anomaly_score(X), b = loaded.anomaly_score(X);
    std::filesystem::remove(path);
    bool top = true;
    for (std::size_t i = 1; i < a.size(); ++i) {
        top = top && a[0] > a[i];
    }
    if (a != b || !top) {
        std::puts("consumer: scores differ or the planted outlier is not the top score");
        return 1;
    }
    std::printf("consumer: ok (top score %.3f)\n", a[0]);
    return 0;
}
