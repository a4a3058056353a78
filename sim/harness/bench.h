// Clock/reset driver for any Verilated top with ports `clk` and `rst_n`
// (active-low, synchronous). Agents (bus drivers, monitors) register with the
// bench; every cycle each agent drives its inputs, the model settles, each
// agent samples the handshakes that the coming rising edge completes, then the
// edge is applied. Optional FST tracing when the model was Verilated with
// --trace-fst (VM_TRACE_FST, which verilate() defines) and a trace path is given.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <verilated.h>
#if defined(VM_TRACE_FST) && VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

namespace esp::sim {

struct Options {
    std::string trace_path; // empty: no trace
    uint64_t seed = 1;

    // ESP_SIM_TRACE=<file.fst>, ESP_SIM_SEED=<n>: for test binaries whose argv belongs to Catch2.
    static Options from_env() {
        Options o;
        if (const char* t = std::getenv("ESP_SIM_TRACE")) o.trace_path = t;
        if (const char* s = std::getenv("ESP_SIM_SEED")) o.seed = std::strtoull(s, nullptr, 0);
        return o;
    }
    // Consumes `--trace FILE` and `--seed N` from argv, leaving the rest in order.
    static Options from_args(int& argc, char** argv) {
        Options o = from_env();
        int out = 1;
        for (int i = 1; i < argc; ++i) {
            std::string_view a = argv[i];
            if ((a == "--trace" || a == "--seed") && i + 1 < argc) {
                if (a == "--trace")
                    o.trace_path = argv[++i];
                else
                    o.seed = std::strtoull(argv[++i], nullptr, 0);
            } else {
                argv[out++] = argv[i];
            }
        }
        argc = out;
        return o;
    }
};

class Agent {
public:
    virtual ~Agent() = default;
    virtual void drive() = 0;  // set inputs for the cycle about to run
    virtual void sample() = 0; // observe the settled cycle before its rising edge
};

template <class Top>
class Bench {
public:
    explicit Bench(const Options& opt = Options::from_env())
        : ctx_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Top>(ctx_.get())) {
        if (!opt.trace_path.empty()) {
#if defined(VM_TRACE_FST) && VM_TRACE_FST
            ctx_->traceEverOn(true);
            trace_ = std::make_unique<VerilatedFstC>();
            top_->trace(trace_.get(), 99);
            trace_->open(opt.trace_path.c_str());
#else
            throw std::runtime_error(
                "this model was built without --trace-fst (esp_engine_top: configure with -DESP_TRACE_TOP=ON)");
#endif
        }
        top_->clk = 0;
        top_->rst_n = 0;
        top_->eval();
    }
    ~Bench() {
#if defined(VM_TRACE_FST) && VM_TRACE_FST
        if (trace_) trace_->close();
#endif
        top_->final();
    }
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    Top& top() { return *top_; }
    Top* operator->() { return top_.get(); }
    uint64_t cycle() const { return cycle_; }
    void add(Agent& a) { agents_.push_back(&a); }

    void tick() {
        for (Agent* a : agents_) a->drive();
        top_->clk = 0;
        top_->eval();
        dump(2 * cycle_);
        for (Agent* a : agents_) a->sample();
        top_->clk = 1;
        top_->eval();
        dump(2 * cycle_ + 1);
        ++cycle_;
    }
    void ticks(uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) tick();
    }
    void reset(unsigned cycles = 4) {
        top_->rst_n = 0;
        ticks(cycles);
        top_->rst_n = 1;
    }
    // Ticks until pred() holds (checked before each tick); false after max_cycles.
    template <class Pred>
    bool run_until(Pred pred, uint64_t max_cycles) {
        for (uint64_t i = 0; i < max_cycles; ++i) {
            if (pred()) return true;
            tick();
        }
        return pred();
    }

private:
    void dump([[maybe_unused]] uint64_t t) {
#if defined(VM_TRACE_FST) && VM_TRACE_FST
        if (trace_) trace_->dump(t);
#endif
    }
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Top> top_;
#if defined(VM_TRACE_FST) && VM_TRACE_FST
    std::unique_ptr<VerilatedFstC> trace_;
#endif
    std::vector<Agent*> agents_;
    uint64_t cycle_ = 0;
};

} // namespace esp::sim
