// Replays recorded sensor events through a saved streaming pipeline: the C++ end of "configure
// (and train) in Python, run at the edge in C++".
//
//   pipeline_replay PIPELINE EVENTS.csv [SAVED_STATE]
//
// PIPELINE is a model document written by oddkit.stream.Pipeline.save() or oddkit::Pipeline::save.
// EVENTS.csv: a header "device,timestamp,<field>,..." then one event per line (timestamp in ns
// since the epoch, UTC; an empty cell is a missing value). Prints one JSON line per anomaly,
// then after the end of the file (flush) a line {"stats": {...}}; with SAVED_STATE the final
// state is saved there.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <oddkit/oddkit.hpp>

namespace {

std::vector<std::string> split(const std::string &line) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    std::string cell;
    while (std::getline(in, cell, ',')) {
        cells.push_back(cell);
    }
    if (!line.empty() && line.back() == ',') {
        cells.emplace_back();
    }
    return cells;
}

void print(const std::vector<oddkit::Anomaly> &found) {
    for (const auto &a : found) {
        oddkit::Json drivers = oddkit::Json::array();
        for (const auto &c : a.drivers) {
            drivers.push_back({c.feature, c.weight});
        }
        const oddkit::Json line = {{"device", a.device},     {"window_start", a.window_start},
                                   {"window_end", a.window_end}, {"n_events", a.n_events},
                                   {"score", a.score},       {"features", a.features},
                                   {"drivers", drivers}};
        std::cout << line.dump() << '\n';
    }
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: %s PIPELINE EVENTS.csv [SAVED_STATE]\n", argv[0]);
        return 2;
    }
    try {
        oddkit::Pipeline pipeline = oddkit::Pipeline::load(argv[1]);
        std::ifstream in(argv[2]);
        if (!in) {
            throw oddkit::InvalidArgument(std::string("EVENTS.csv: cannot open ") + argv[2]);
        }
        std::string line;
        std::getline(in, line);
        const auto header = split(line);
        if (header.size() < 3 || header[0] != "device" || header[1] != "timestamp") {
            throw oddkit::InvalidArgument("EVENTS.csv: the header must be device,timestamp,<field>,...");
        }
        std::vector<std::pair<std::string, double>> values(header.size() - 2);
        for (std::size_t f = 2; f < header.size(); ++f) {
            values[f - 2].first = header[f];
        }
        std::vector<oddkit::Anomaly> found;
        while (std::getline(in, line)) {
            const auto cells = split(line);
            if (cells.size() != header.size()) {
                throw oddkit::InvalidArgument("EVENTS.csv: a line has " + std::to_string(cells.size()) + " cells");
            }
            for (std::size_t f = 2; f < cells.size(); ++f) {
                values[f - 2].second = cells[f].empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(cells[f]);
            }
            found.clear();
            pipeline.push_named(cells[0], std::stoll(cells[1]), values, found);
            print(found);
        }
        found.clear();
        pipeline.flush(found);
        print(found);
        std::cout << oddkit::Json{{"stats", pipeline.stats().to_json()}}.dump() << '\n';
        if (argc == 4) {
            pipeline.save(argv[3]);
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "pipeline_replay: %s\n", e.what());
        return 1;
    }
}
