#pragma once
/// Robust Random Cut Forest (Guha, Mishra, Roy and Schrijvers 2016) over a sliding window of
/// the last `window_size` points. A point is one reading, or with shingle_size k > 1 the
/// concatenation of the last k readings (oldest first), so a tree sees short patterns.
///
/// Each tree holds every point of the window. Learning a point evicts the oldest one when the
/// window is full (its leaf and parent are removed, the sibling takes the parent's place) and
/// inserts the new one: from the root, a random cut is drawn over the bounding box of the node
/// and the point (dimension with probability proportional to its extent, position uniform);
/// when it separates the point from the node's box the point becomes the node's sibling under
/// a new branch, otherwise the point follows the node's own cut. An identical point joins its
/// twin's leaf (the leaf's mass counts both).
///
/// score_one(x) is the collusive displacement CoDisp that x would have if inserted into the
/// current window: max over the ancestors of its leaf of |sibling| / |subtree holding x|,
/// averaged over the trees. It is computed by a read-only descent that draws exactly the cuts
/// the insertion would draw, so scoring never changes the forest. Scores are 0 until a point
/// has been learned (and while fewer than shingle_size - 1 earlier readings exist).
///
/// Randomness: the cuts for the i-th inserted point in tree t come from
/// Random(seed, i * n_trees + t); no generator state is carried, so a forest rebuilt from its
/// document continues with the very same cuts.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/stream/online_detector.hpp"

namespace oddkit {

struct RandomCutForestParams {
    std::size_t n_trees = 100;
    /// Points in the sliding window (each tree's size).
    std::size_t window_size = 256;
    /// Readings concatenated into one point (1 = no shingling).
    std::size_t shingle_size = 1;
    std::uint64_t seed = 0;

    void validate() const {
        require(n_trees >= 1 && n_trees <= 10000, "n_trees", "must be in [1, 10000], got ", n_trees);
        require(window_size >= 1 && window_size <= (std::size_t{1} << 24), "window_size",
                "must be in [1, 2^24], got ", window_size);
        require(shingle_size >= 1 && shingle_size <= 4096, "shingle_size", "must be in [1, 4096], got ", shingle_size);
    }
    Json to_json() const {
        return {{"n_trees", n_trees}, {"window_size", window_size}, {"shingle_size", shingle_size}, {"seed", seed}};
    }
    static RandomCutForestParams from_json(const Json &j) {
        RandomCutForestParams p;
        p.n_trees = document_get<std::size_t>(j, "n_trees");
        p.window_size = document_get<std::size_t>(j, "window_size");
        p.shingle_size = document_get<std::size_t>(j, "shingle_size");
        p.seed = document_get<std::uint64_t>(j, "seed");
        return p;
    }
};

class RandomCutForest final : public OnlineDetector {
  public:
    static constexpr int format_version = 1;
    using Params = RandomCutForestParams;

    explicit RandomCutForest(Params params = {}) : params_(params) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "RandomCutForest"; }
    /// Points currently in the window.
    std::size_t window_count() const noexcept { return count_; }
    /// Coordinates per point: n_features * shingle_size.
    std::size_t point_dimension() const noexcept { return dim_; }

    /// The CoDisp of the most recently inserted point, averaged over the trees (0 if none).
    double last_point_codisp() const {
        if (count_ == 0) {
            return 0.0;
        }
        const std::size_t slot = (head_ + params_.window_size - 1) % params_.window_size;
        double sum = 0.0;
        for (const Tree &tree : trees_) {
            sum += tree.codisp(tree.leaf_of[slot]);
        }
        return sum / static_cast<double>(trees_.size());
    }

    Json to_document() const override {
        Json state;
        write_common_state(state);
        state["head"] = head_;
        state["count"] = count_;
        state["inserted"] = inserted_;
        state["recent_head"] = recent_head_;
        state["recent_count"] = recent_count_;
        state["recent"] = recent_;
        state["points"] = points_;
        Json trees = Json::array();
        for (const Tree &tree : trees_) {
            trees.push_back(tree.to_json(live_slots()));
        }
        state["trees"] = std::move(trees);
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static RandomCutForest from_document(const Json &doc) {
        check_document(doc, "RandomCutForest", format_version);
        RandomCutForest f(document_params<Params>(doc));
        const Json &s = doc.at("state");
        f.read_common_state(s);
        auto bad = [](const std::string &what) { throw FormatError("model document: " + what); };
        const std::size_t d = f.n_features();
        const std::size_t w = f.params_.window_size;
        const std::size_t k = f.params_.shingle_size;
        f.head_ = document_get<std::size_t>(s, "head");
        f.count_ = document_get<std::size_t>(s, "count");
        f.inserted_ = document_get<std::uint64_t>(s, "inserted");
        f.recent_head_ = document_get<std::size_t>(s, "recent_head");
        f.recent_count_ = document_get<std::size_t>(s, "recent_count");
        f.recent_ = document_get<std::vector<double>>(s, "recent");
        f.points_ = document_get<std::vector<double>>(s, "points");
        const auto trees = document_get<Json>(s, "trees");
        if (d == 0) {
            if (f.n_seen() != 0 || f.count_ != 0 || f.inserted_ != 0 || f.recent_count_ != 0 || !f.points_.empty() ||
                !f.recent_.empty() || f.head_ != 0 || f.recent_head_ != 0 || !trees.empty()) {
                bad("an empty RandomCutForest holds no points");
            }
            return f;
        }
        f.dim_ = d * k;
        if (f.recent_.size() != k * d || f.points_.size() != w * f.dim_ || f.head_ >= w || f.count_ > w ||
            f.recent_head_ >= k || f.recent_count_ > k || f.count_ > f.inserted_ ||
            (f.count_ < w && f.head_ != f.count_) || f.inserted_ > f.n_seen()) {
            bad("window or shingle buffers are inconsistent");
        }
        for (double v : f.points_) {
            if (!std::isfinite(v)) {
                bad("points hold a non-finite value");
            }
        }
        for (double v : f.recent_) {
            if (!std::isfinite(v)) {
                bad("shingle buffer holds a non-finite value");
            }
        }
        if (!trees.is_array() || trees.size() != f.params_.n_trees) {
            bad("expected one entry per tree");
        }
        const auto live = f.live_slots();
        f.trees_.reserve(trees.size());
        for (const auto &t : trees) {
            f.trees_.push_back(Tree::from_json(t, f.points_, f.dim_, w, live));
        }
        return f;
    }
    static RandomCutForest load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    double score_row(const double *x) const override {
        if (count_ == 0 || recent_count_ + 1 < params_.shingle_size) {
            return 0.0;
        }
        thread_local std::vector<double> point;
        point.resize(dim_);
        make_point(x, point.data());
        double sum = 0.0;
        for (std::size_t t = 0; t < trees_.size(); ++t) {
            Random rng(params_.seed, inserted_ * params_.n_trees + t);
            sum += trees_[t].simulated_codisp(point.data(), rng);
        }
        return sum / static_cast<double>(trees_.size());
    }

    void learn_row(const double *x) override {
        const std::size_t d = n_features();
        const std::size_t k = params_.shingle_size;
        const bool complete = recent_count_ + 1 >= k;
        if (complete) {
            make_point(x, points_.data() + head_ * dim_);
        }
        std::copy(x, x + d, recent_.begin() + static_cast<std::ptrdiff_t>(recent_head_ * d));
        recent_head_ = recent_head_ + 1 == k ? 0 : recent_head_ + 1;
        recent_count_ = std::min(recent_count_ + 1, k);
        if (!complete) {
            return;
        }
        const std::size_t slot = head_;
        // The new point already sits in the slot of the one it evicts: evict by the leaves'
        // own copies of the coordinates, which the trees keep.
        for (std::size_t t = 0; t < trees_.size(); ++t) {
            if (count_ == params_.window_size) {
                trees_[t].remove(slot);
            }
            Random rng(params_.seed, inserted_ * params_.n_trees + t);
            trees_[t].insert(points_.data() + slot * dim_, slot, rng);
        }
        count_ = std::min(count_ + 1, params_.window_size);
        head_ = head_ + 1 == params_.window_size ? 0 : head_ + 1;
        ++inserted_;
    }

    void on_features_fixed(std::size_t n) override {
        dim_ = n * params_.shingle_size;
        recent_.assign(params_.shingle_size * n, 0.0);
        points_.assign(params_.window_size * dim_, 0.0);
        trees_.assign(params_.n_trees, Tree(dim_, params_.window_size));
    }

  private:
    /// One random cut tree. Nodes live in flat arrays with a free list; a leaf's box is its
    /// point (lo == hi), a branch's box is the exact min/max of its leaves.
    struct Tree {
        std::size_t dim = 0;
        std::int32_t root = -1;
        std::vector<std::int32_t> parent, left, right, mass, cut_dim; // cut_dim -1: leaf
        std::vector<double> cut, lo, hi;                               // lo, hi: node x dim
        std::vector<std::int32_t> free_nodes;
        std::vector<std::int32_t> leaf_of; // window slot -> its leaf

        Tree() = default;
        Tree(std::size_t d, std::size_t window) : dim(d) {
            const std::size_t capacity = 2 * window;
            parent.assign(capacity, -1);
            left.assign(capacity, -1);
            right.assign(capacity, -1);
            mass.assign(capacity, 0);
            cut_dim.assign(capacity, -1);
            cut.assign(capacity, 0.0);
            lo.assign(capacity * d, 0.0);
            hi.assign(capacity * d, 0.0);
            leaf_of.assign(window, -1);
            free_nodes.reserve(capacity);
            for (std::size_t i = capacity; i-- > 0;) {
                free_nodes.push_back(static_cast<std::int32_t>(i));
            }
        }

        bool is_leaf(std::int32_t n) const noexcept { return cut_dim[n] < 0; }
        std::int32_t sibling(std::int32_t n) const noexcept {
            const std::int32_t p = parent[n];
            return left[p] == n ? right[p] : left[p];
        }

        /// Where an insertion of p stops: at `node`, either as a duplicate of that leaf, or
        /// cut off from it by (dim, value) with p on the `p_left` side.
        struct Placement {
            std::int32_t node;
            bool duplicate;
            std::int32_t dim;
            double value;
            bool p_left;
        };

        Placement place(const double *p, Random &rng) const noexcept {
            std::int32_t node = root;
            for (;;) {
                const double *nlo = lo.data() + static_cast<std::size_t>(node) * dim;
                const double *nhi = hi.data() + static_cast<std::size_t>(node) * dim;
                double total = 0.0;
                for (std::size_t j = 0; j < dim; ++j) {
                    total += std::max(nhi[j], p[j]) - std::min(nlo[j], p[j]);
                }
                if (!(total > 0.0)) { // p equals this leaf's point
                    return {node, true, -1, 0.0, false};
                }
                const double r = rng.uniform() * total;
                double acc = 0.0;
                std::size_t j = 0;
                std::size_t last_spread = 0;
                for (; j < dim; ++j) {
                    const double span = std::max(nhi[j], p[j]) - std::min(nlo[j], p[j]);
                    if (span > 0.0) {
                        last_spread = j;
                        acc += span;
                        if (r < acc) {
                            break;
                        }
                    }
                }
                if (j == dim) {
                    j = last_spread; // r rounded up to the total
                }
                const double c = rng.uniform(std::min(nlo[j], p[j]), std::max(nhi[j], p[j]));
                if (c < nlo[j]) {
                    return {node, false, static_cast<std::int32_t>(j), c, true};
                }
                if (c >= nhi[j]) {
                    return {node, false, static_cast<std::int32_t>(j), c, false};
                }
                node = p[cut_dim[node]] <= cut[node] ? left[node] : right[node];
            }
        }

        /// CoDisp p would have once inserted (the tree is not changed).
        double simulated_codisp(const double *p, Random &rng) const noexcept {
            const Placement at = place(p, rng);
            double best = at.duplicate ? 0.0 : static_cast<double>(mass[at.node]);
            for (std::int32_t child = at.node; parent[child] >= 0; child = parent[child]) {
                const double ratio = static_cast<double>(mass[sibling(child)]) / static_cast<double>(mass[child] + 1);
                best = std::max(best, ratio);
            }
            return best;
        }

        double codisp(std::int32_t leaf) const noexcept {
            double best = 0.0;
            for (std::int32_t child = leaf; parent[child] >= 0; child = parent[child]) {
                best = std::max(best, static_cast<double>(mass[sibling(child)]) / static_cast<double>(mass[child]));
            }
            return best;
        }

        std::int32_t allocate() noexcept {
            const std::int32_t n = free_nodes.back();
            free_nodes.pop_back();
            return n;
        }

        void insert(const double *p, std::size_t slot, Random &rng) {
            if (root < 0) {
                root = new_leaf(p);
                leaf_of[slot] = root;
                return;
            }
            const Placement at = place(p, rng);
            if (at.duplicate) {
                leaf_of[slot] = at.node;
                for (std::int32_t n = at.node; n >= 0; n = parent[n]) {
                    ++mass[n];
                }
                return;
            }
            const std::int32_t leaf = new_leaf(p);
            leaf_of[slot] = leaf;
            const std::int32_t branch = allocate();
            const std::int32_t above = parent[at.node];
            cut_dim[branch] = at.dim;
            cut[branch] = at.value;
            left[branch] = at.p_left ? leaf : at.node;
            right[branch] = at.p_left ? at.node : leaf;
            mass[branch] = mass[at.node] + 1;
            parent[branch] = above;
            parent[at.node] = branch;
            parent[leaf] = branch;
            const std::size_t b = static_cast<std::size_t>(branch) * dim;
            const std::size_t o = static_cast<std::size_t>(at.node) * dim;
            for (std::size_t j = 0; j < dim; ++j) {
                lo[b + j] = std::min(lo[o + j], p[j]);
                hi[b + j] = std::max(hi[o + j], p[j]);
            }
            if (above < 0) {
                root = branch;
            } else {
                (left[above] == at.node ? left[above] : right[above]) = branch;
            }
            for (std::int32_t n = above; n >= 0; n = parent[n]) {
                ++mass[n];
                const std::size_t a = static_cast<std::size_t>(n) * dim;
                for (std::size_t j = 0; j < dim; ++j) {
                    lo[a + j] = std::min(lo[a + j], p[j]);
                    hi[a + j] = std::max(hi[a + j], p[j]);
                }
            }
        }

        void remove(std::size_t slot) {
            const std::int32_t leaf = leaf_of[slot];
            leaf_of[slot] = -1;
            if (mass[leaf] > 1) { // a twin stays: boxes are unchanged
                for (std::int32_t n = leaf; n >= 0; n = parent[n]) {
                    --mass[n];
                }
                return;
            }
            const std::int32_t up = parent[leaf];
            release(leaf);
            if (up < 0) {
                root = -1;
                return;
            }
            const std::int32_t keep = left[up] == leaf ? right[up] : left[up];
            const std::int32_t above = parent[up];
            parent[keep] = above;
            release(up);
            if (above < 0) {
                root = keep;
                return;
            }
            (left[above] == up ? left[above] : right[above]) = keep;
            for (std::int32_t n = above; n >= 0; n = parent[n]) {
                --mass[n];
                refit_box(n);
            }
        }

        void refit_box(std::int32_t n) noexcept {
            const std::size_t a = static_cast<std::size_t>(n) * dim;
            const std::size_t l = static_cast<std::size_t>(left[n]) * dim;
            const std::size_t r = static_cast<std::size_t>(right[n]) * dim;
            for (std::size_t j = 0; j < dim; ++j) {
                lo[a + j] = std::min(lo[l + j], lo[r + j]);
                hi[a + j] = std::max(hi[l + j], hi[r + j]);
            }
        }

        std::int32_t new_leaf(const double *p) noexcept {
            const std::int32_t n = allocate();
            parent[n] = left[n] = right[n] = -1;
            cut_dim[n] = -1;
            cut[n] = 0.0;
            mass[n] = 1;
            std::copy(p, p + dim, lo.begin() + static_cast<std::ptrdiff_t>(n * dim));
            std::copy(p, p + dim, hi.begin() + static_cast<std::ptrdiff_t>(n * dim));
            return n;
        }

        void release(std::int32_t n) {
            parent[n] = left[n] = right[n] = -1;
            cut_dim[n] = -1;
            mass[n] = 0;
            free_nodes.push_back(n);
        }

        /// Preorder: "shape" holds -(cut_dim + 1) for a branch and the mass for a leaf, "cuts"
        /// the branches' cut values, "slots" each leaf's window slots (mass of them).
        Json to_json(const std::vector<std::size_t> &live) const {
            std::vector<std::vector<std::int32_t>> slots_of(parent.size());
            for (auto s : live) {
                slots_of[static_cast<std::size_t>(leaf_of[s])].push_back(static_cast<std::int32_t>(s));
            }
            std::vector<std::int32_t> shape, slots;
            std::vector<double> cuts;
            std::vector<std::int32_t> stack;
            if (root >= 0) {
                stack.push_back(root);
            }
            while (!stack.empty()) {
                const std::int32_t n = stack.back();
                stack.pop_back();
                if (is_leaf(n)) {
                    shape.push_back(mass[n]);
                    const auto &own = slots_of[static_cast<std::size_t>(n)];
                    slots.insert(slots.end(), own.begin(), own.end());
                } else {
                    shape.push_back(-(cut_dim[n] + 1));
                    cuts.push_back(cut[n]);
                    stack.push_back(right[n]);
                    stack.push_back(left[n]);
                }
            }
            return {{"shape", shape}, {"cuts", cuts}, {"slots", slots}};
        }

        /// Rebuilds a tree, checking that it is a proper binary tree over exactly the live
        /// slots, that twins share identical points and that every cut separates its children.
        static Tree from_json(const Json &j, const std::vector<double> &points, std::size_t dim,
                              std::size_t window, const std::vector<std::size_t> &live) {
            auto bad = [](const std::string &what) { throw FormatError("model document: tree " + what); };
            const auto shape = document_get<std::vector<std::int32_t>>(j, "shape");
            const auto cuts = document_get<std::vector<double>>(j, "cuts");
            const auto slots = document_get<std::vector<std::int32_t>>(j, "slots");
            Tree tree(dim, window);
            if (shape.size() > 2 * window - 1 || slots.size() != live.size()) {
                bad("does not hold the window's points");
            }
            std::vector<char> is_live(window, 0);
            for (auto s : live) {
                is_live[s] = 1;
            }
            std::size_t next_cut = 0, next_slot = 0;
            // Stack of (node, child side to attach next: 0 left, 1 right, 2 done).
            std::vector<std::pair<std::int32_t, int>> stack;
            for (std::size_t i = 0; i < shape.size(); ++i) {
                const std::int32_t n = tree.allocate();
                tree.left[n] = tree.right[n] = -1;
                if (shape[i] < 0) {
                    const std::int64_t cd = -static_cast<std::int64_t>(shape[i]) - 1;
                    if (cd >= static_cast<std::int64_t>(dim) || next_cut >= cuts.size() || !std::isfinite(cuts[next_cut])) {
                        bad("branch has a bad cut");
                    }
                    tree.cut_dim[n] = static_cast<std::int32_t>(cd);
                    tree.cut[n] = cuts[next_cut++];
                } else {
                    const auto m = static_cast<std::size_t>(shape[i]);
                    if (m == 0 || next_slot + m > slots.size()) {
                        bad("leaf has a bad mass");
                    }
                    tree.cut_dim[n] = -1;
                    tree.mass[n] = static_cast<std::int32_t>(m);
                    const auto first = slots[next_slot];
                    for (std::size_t k = 0; k < m; ++k) {
                        const auto s = slots[next_slot + k];
                        if (s < 0 || static_cast<std::size_t>(s) >= window || is_live[static_cast<std::size_t>(s)] != 1) {
                            bad("leaf refers to a slot outside the window or twice");
                        }
                        is_live[static_cast<std::size_t>(s)] = 2;
                        if (!std::equal(points.begin() + static_cast<std::ptrdiff_t>(s * dim),
                                        points.begin() + static_cast<std::ptrdiff_t>((s + 1) * dim),
                                        points.begin() + static_cast<std::ptrdiff_t>(first * dim))) {
                            bad("leaf joins points that differ");
                        }
                        tree.leaf_of[static_cast<std::size_t>(s)] = n;
                    }
                    next_slot += m;
                    const double *p = points.data() + static_cast<std::size_t>(first) * dim;
                    std::copy(p, p + dim, tree.lo.begin() + static_cast<std::ptrdiff_t>(n * dim));
                    std::copy(p, p + dim, tree.hi.begin() + static_cast<std::ptrdiff_t>(n * dim));
                }
                if (stack.empty()) {
                    if (i != 0) {
                        bad("has more than one root");
                    }
                    tree.root = n;
                    tree.parent[n] = -1;
                } else {
                    auto &[up, side] = stack.back();
                    (side == 0 ? tree.left[up] : tree.right[up]) = n;
                    tree.parent[n] = up;
                    if (++side == 2) {
                        stack.pop_back();
                    }
                }
                if (tree.cut_dim[n] >= 0) {
                    stack.emplace_back(n, 0);
                }
            }
            if (!stack.empty() || next_cut != cuts.size() || next_slot != slots.size()) {
                bad("structure is truncated or has leftovers");
            }
            // Masses and boxes bottom-up: children were allocated after their parents, so walk
            // the nodes in reverse allocation order.
            std::vector<std::int32_t> order;
            if (tree.root >= 0) {
                order.push_back(tree.root);
                for (std::size_t i = 0; i < order.size(); ++i) {
                    const std::int32_t n = order[i];
                    if (!tree.is_leaf(n)) {
                        order.push_back(tree.left[n]);
                        order.push_back(tree.right[n]);
                    }
                }
            }
            for (std::size_t i = order.size(); i-- > 0;) {
                const std::int32_t n = order[i];
                if (tree.is_leaf(n)) {
                    continue;
                }
                tree.mass[n] = tree.mass[tree.left[n]] + tree.mass[tree.right[n]];
                tree.refit_box(n);
                const std::size_t cd = static_cast<std::size_t>(tree.cut_dim[n]);
                if (!(tree.hi[static_cast<std::size_t>(tree.left[n]) * dim + cd] <= tree.cut[n] &&
                      tree.cut[n] < tree.lo[static_cast<std::size_t>(tree.right[n]) * dim + cd])) {
                    bad("cut does not separate its children");
                }
            }
            return tree;
        }
    };

    /// Window slots holding points, oldest first.
    std::vector<std::size_t> live_slots() const {
        std::vector<std::size_t> out(count_);
        const std::size_t w = params_.window_size;
        for (std::size_t i = 0; i < count_; ++i) {
            out[i] = (head_ + w - count_ + i) % w;
        }
        return out;
    }

    /// The shingled point ending with reading x, into out (dim_ values).
    void make_point(const double *x, double *out) const noexcept {
        const std::size_t d = n_features();
        const std::size_t k = params_.shingle_size;
        // The k - 1 most recent readings, oldest first, then x.
        for (std::size_t i = 0; i + 1 < k; ++i) {
            const std::size_t back = k - 1 - i; // 1 = the latest reading
            const std::size_t at = (recent_head_ + k - back) % k;
            std::copy(recent_.begin() + static_cast<std::ptrdiff_t>(at * d),
                      recent_.begin() + static_cast<std::ptrdiff_t>((at + 1) * d), out + i * d);
        }
        std::copy(x, x + d, out + (k - 1) * d);
    }

    Params params_;
    std::size_t dim_ = 0;
    std::size_t head_ = 0;  // next window slot (the oldest when the window is full)
    std::size_t count_ = 0; // points in the window
    std::uint64_t inserted_ = 0;
    std::size_t recent_head_ = 0; // next slot of the shingle ring
    std::size_t recent_count_ = 0;
    std::vector<double> recent_; // shingle_size x n_features ring of the latest readings
    std::vector<double> points_; // window_size x dim_ ring of the window's points
    std::vector<Tree> trees_;
};

} // namespace oddkit
