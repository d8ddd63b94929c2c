// Micro-benchmarks of the authentication paths (issue 3 "Done when"): one Basic check uncached
// (argon2id at the OWASP defaults, through the hash pool) and cached, one Bearer check (JWS
// verify + live-access table + generation), one token issuance; HS256 and EdDSA. And the
// argon2id verification alone, which bench/run.py runs pinned to the server's CPU to know the
// "hash limit" of issue 8 (S4, S6): hash workers x this rate.
//
//   cmake --build build --target ordo_auth_bench && build/bench/ordo_auth_bench
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <filesystem>
#include <future>

#include "auth/basic_credentials.h"
#include "auth/basic_verifier.h"
#include "auth/password_hash.h"
#include "auth/secrets.h"
#include "auth/token_service.h"
#include "core/ids.h"
#include "store/migrations.h"

namespace ordo::auth {
namespace {

struct Fixture {
  explicit Fixture(JwsAlg alg = JwsAlg::kHs256) {
    if (sodium_init() < 0) std::abort();
    dir = std::filesystem::temp_directory_path() / ("ordo-bench-" + RandomAlphanumeric(8));
    std::filesystem::create_directories(dir);
    db = std::move(*store::Database::Open("sqlite:" + (dir / "bench.db").string(), 2));
    if (!store::ApplyMigrations(*db, store::AllMigrations())) std::abort();
    key = NewAccessKey();
    secret = NewSecretKey();
    LiveAccess a;
    a.id = "id";
    a.access_key = key;
    a.scopes = {"processes:read", "processes:run"};
    a.secret_hash = *HashPassword(secret, HashParams{});
    a.secret_hint = SecretHint(secret);
    table.Upsert(a);
    TokenConfig config;
    config.alg = alg;
    tokens = std::make_unique<TokenService>(*db, SystemClock::Instance(), table,
                                            MasterKey{SecretString(std::string(32, 'k'))}, config);
    if (!tokens->LoadOrCreateKeys()) std::abort();
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  Result<VerifiedAccess> Basic() {
    std::promise<Result<VerifiedAccess>> p;
    verifier.Verify(key, SecretString(secret), "10.0.0.1",
                    [&](Result<VerifiedAccess> r, BasicOutcome) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  LiveAccessTable table;
  CredentialCache cache{SystemClock::Instance(), 10'000};
  Throttle throttle{SystemClock::Instance(), ThrottleConfig{}};
  WorkerPool pool{1, 64};
  BasicVerifier verifier{SystemClock::Instance(), table, cache, throttle, pool, HashParams{}};
  std::unique_ptr<TokenService> tokens;
  std::string key, secret;
};

// One crypto_pwhash_str_verify (through VerifyPassword) at the server's default parameters
// (HashParams{}: t=2, m=19 MiB, p=1): the cost every Basic cache miss and token request pays.
// No pool, no database: the rate one hash worker could reach if it did nothing else.
void BM_Argon2idVerify(benchmark::State& state) {
  if (sodium_init() < 0) std::abort();
  std::string secret = NewSecretKey();
  auto phc = HashPassword(secret, HashParams{});
  if (!phc) {
    state.SkipWithError("hash failed");
    return;
  }
  for (auto _ : state) {
    if (!VerifyPassword(*phc, secret)) state.SkipWithError("not verified");
  }
}
BENCHMARK(BM_Argon2idVerify)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BasicUncached(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    f.cache.Clear();
    auto r = f.Basic();
    if (!r) state.SkipWithError("denied");
  }
}
BENCHMARK(BM_BasicUncached)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BasicCached(benchmark::State& state) {
  Fixture f;
  (void)f.Basic();
  for (auto _ : state) {
    auto r = f.Basic();
    if (!r) state.SkipWithError("denied");
  }
}
BENCHMARK(BM_BasicCached)->Unit(benchmark::kMicrosecond);

// The header of a Basic request taken apart as the server does: base64 decoded (constant-time)
// into DecodedBasic's own buffer, split at the colon.
void BM_DecodeBasicAuthorization(benchmark::State& state) {
  if (sodium_init() < 0) std::abort();
  const std::string header = FormatBasicAuthorization(NewAccessKey(), NewSecretKey());
  DecodedBasic decoded;
  for (auto _ : state) {
    if (!decoded.Parse(header)) state.SkipWithError("not parsed");
    benchmark::DoNotOptimize(decoded.secret().data());
  }
}
BENCHMARK(BM_DecodeBasicAuthorization)->Unit(benchmark::kNanosecond);

// A remembered Basic success, as the server answers it (synchronously, no copy): HMAC
// fingerprint, cache and live-access look-ups, generation check.
void BM_BasicVerifyCached(benchmark::State& state) {
  Fixture f;
  (void)f.Basic();
  for (auto _ : state) {
    auto v = f.verifier.VerifyCached(f.key, f.secret);
    if (!v) state.SkipWithError("not cached");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_BasicVerifyCached)->Unit(benchmark::kNanosecond);

void BM_BearerCheck(benchmark::State& state) {
  Fixture f(static_cast<JwsAlg>(state.range(0)));
  auto token = f.tokens->Issue(*f.table.Find(f.key), std::nullopt, std::nullopt, false);
  for (auto _ : state) {
    auto p = f.tokens->VerifyBearer(token->token);
    if (!p) state.SkipWithError("refused");
    benchmark::DoNotOptimize(p);
  }
  // The same token again: its verified signature is remembered, the live-access checks run.
  state.SetLabel(state.range(0) == 0 ? "HS256, token seen before" : "EdDSA, token seen before");
}
BENCHMARK(BM_BearerCheck)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The JWS part alone: what a Bearer check costs for a token seen for the first time (plus the
// table look-up of BM_BearerCheck).
void BM_JwsVerifyOnly(benchmark::State& state) {
  Fixture f;
  auto token = f.tokens->Issue(*f.table.Find(f.key), std::nullopt, std::nullopt, false);
  JwtCodec codec(SystemClock::Instance(), f.tokens->keys(), JwtConfig{});
  for (auto _ : state) {
    auto c = codec.Verify(token->token);
    if (!c) state.SkipWithError("refused");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_JwsVerifyOnly)->Unit(benchmark::kMicrosecond);

void BM_TokenIssue(benchmark::State& state) {
  Fixture f(static_cast<JwsAlg>(state.range(0)));
  auto live = f.table.Find(f.key);
  for (auto _ : state) {
    auto t = f.tokens->Issue(*live, std::nullopt, std::nullopt, false);
    if (!t) state.SkipWithError("not issued");
    benchmark::DoNotOptimize(t);
  }
  state.SetLabel(state.range(0) == 0 ? "HS256" : "EdDSA");
}
BENCHMARK(BM_TokenIssue)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ordo::auth

BENCHMARK_MAIN();
