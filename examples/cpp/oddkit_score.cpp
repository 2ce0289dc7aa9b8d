// Scores rows with a saved model, or trains one: the C++ end of "train in Python, score in C++".
//
//   oddkit_score MODEL ROWS.csv                 prints score_samples, one per line
//   oddkit_score --train ROWS.csv MODEL SEED    fits IsolationForest(random_state = SEED), saves it

#include <cstdio>
#include <cstdlib>
#include <string>

#include <oddkit/oddkit.hpp>

#include "csv_matrix.hpp"

int main(int argc, char **argv) {
    try {
        if (argc == 5 && std::string(argv[1]) == "--train") {
            const oddkit::Matrix X = read_numeric_csv(argv[2]);
            oddkit::IsolationForest forest({.random_state = std::strtoull(argv[4], nullptr, 10)});
            forest.fit(X);
            forest.save(argv[3]);
            return 0;
        }
        if (argc != 3) {
            std::fprintf(stderr, "usage: %s MODEL ROWS.csv | --train ROWS.csv MODEL SEED\n", argv[0]);
            return 2;
        }
        const auto forest = oddkit::IsolationForest::load(argv[1]);
        const oddkit::Matrix X = read_numeric_csv(argv[2]);
        const oddkit::Vector scores = forest.score_samples(X);
        for (double s : scores) {
            std::printf("%.17g\n", s);
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "oddkit_score: %s\n", e.what());
        return 1;
    }
}
