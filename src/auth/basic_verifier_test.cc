#include "auth/basic_verifier.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <future>
#include <memory>
#include <vector>

#include "auth/basic_credentials.h"

namespace ordo::auth {
namespace {

using std::chrono::seconds;

constexpr HashParams kFast{1, 8192};

struct Answer {
  Result<VerifiedAccess> result = Fail(ErrorCode::kInternal, "unset");
  BasicOutcome outcome = BasicOutcome::kMalformed;
};

class BasicVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    key = NewAccessKey();
    secret = NewSecretKey();
    LiveAccess a;
    a.id = "id1";
    a.access_key = key;
    a.name = "ci";
    a.scopes = {"processes:read"};
    a.generation = 1;
    a.secret_hash = *HashPassword(secret, kFast);
    a.secret_hint = SecretHint(secret);
    table.Upsert(a);
  }

  Answer Run(const std::string& k, const std::string& s, const std::string& addr = "10.0.0.1") {
    std::promise<Answer> p;
    verifier.Verify(k, SecretString(s), addr, [&](Result<VerifiedAccess> r, BasicOutcome o) {
      p.set_value(Answer{std::move(r), o});
    });
    return p.get_future().get();
  }

  void Mutate(const std::function<void(LiveAccess&)>& fn) {
    LiveAccess a = *table.Find(key);
    fn(a);
    table.Upsert(a);
  }

  static void ExpectDenied(const Answer& a, BasicOutcome outcome) {
    ASSERT_FALSE(a.result.has_value());
    EXPECT_EQ(a.result.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(a.result.error().problem, "invalid-credentials");
    EXPECT_EQ(a.result.error().detail, InvalidCredentialsError().detail);
    EXPECT_EQ(a.outcome, outcome);
  }

  FakeClock clock;
  LiveAccessTable table;
  CredentialCache cache{clock, 100};
  Throttle throttle{clock, ThrottleConfig{}};
  WorkerPool pool{1, 16};
  BasicVerifier verifier{clock, table, cache, throttle, pool, kFast};
  std::string key, secret;
};

TEST_F(BasicVerifierTest, RightSecretAllowedThenCached) {
  Answer first = Run(key, secret);
  ASSERT_TRUE(first.result.has_value());
  EXPECT_EQ(first.outcome, BasicOutcome::kAllowed);
  EXPECT_EQ(first.result->access->id, "id1");
  Answer second = Run(key, secret);
  ASSERT_TRUE(second.result.has_value());
  EXPECT_EQ(second.outcome, BasicOutcome::kAllowedCached);
}

TEST_F(BasicVerifierTest, VerifyCachedAnswersOnlyARememberedSuccessThatStillStands) {
  EXPECT_EQ(verifier.VerifyCached(key, secret), std::nullopt);  // nothing remembered yet
  ASSERT_TRUE(Run(key, secret).result.has_value());
  auto hit = verifier.VerifyCached(key, secret);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->access->id, "id1");
  EXPECT_FALSE(hit->previous_secret);
  EXPECT_EQ(verifier.VerifyCached(key, NewSecretKey()), std::nullopt);
  // A change of generation (regeneration) drops the entry: no answer, and none after either.
  Mutate([](LiveAccess& a) { a.generation = 2; });
  EXPECT_EQ(verifier.VerifyCached(key, secret), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(BasicVerifierTest, WrongSecretDenied) {
  ExpectDenied(Run(key, NewSecretKey()), BasicOutcome::kWrongSecret);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(BasicVerifierTest, UnknownKeyDeniedAlike) {
  ExpectDenied(Run(NewAccessKey(), secret), BasicOutcome::kUnknownKey);
}

TEST_F(BasicVerifierTest, MalformedSecretDeniedWithoutHash) {
  std::string bad = secret;
  bad[10] = bad[10] == 'a' ? 'b' : 'a';
  ExpectDenied(Run(key, bad), BasicOutcome::kMalformed);
  ExpectDenied(Run("ordo_ak_short", secret), BasicOutcome::kMalformed);
}

TEST_F(BasicVerifierTest, MalformedNotCountedPerKey) {
  std::string bad = secret + "x";
  for (int i = 0; i < 10; ++i)
    ExpectDenied(Run(key, bad, "10.0.0." + std::to_string(i)), BasicOutcome::kMalformed);
  EXPECT_TRUE(Run(key, secret, "10.9.9.9").result.has_value());
}

TEST_F(BasicVerifierTest, DisabledDenied) {
  Mutate([](LiveAccess& a) { a.enabled = false; });
  ExpectDenied(Run(key, secret), BasicOutcome::kDisabled);
}

TEST_F(BasicVerifierTest, ExpiredDenied) {
  Mutate([&](LiveAccess& a) { a.expires_at = clock.Now() + seconds(5); });
  EXPECT_TRUE(Run(key, secret).result.has_value());
  clock.Advance(seconds(5));
  ExpectDenied(Run(key, secret), BasicOutcome::kExpired);
}

TEST_F(BasicVerifierTest, CachedEntryDiesWithDisable) {
  ASSERT_TRUE(Run(key, secret).result.has_value());
  Mutate([](LiveAccess& a) { a.enabled = false; });  // even without Invalidate()
  ExpectDenied(Run(key, secret), BasicOutcome::kDisabled);
}

TEST_F(BasicVerifierTest, RegenerationKillsOldSecretAtOnce) {
  ASSERT_TRUE(Run(key, secret).result.has_value());
  std::string fresh = NewSecretKey();
  Mutate([&](LiveAccess& a) {
    a.generation = 2;
    a.secret_hash = *HashPassword(fresh, kFast);
    a.secret_hint = SecretHint(fresh);
  });
  ExpectDenied(Run(key, secret), BasicOutcome::kWrongSecret);
  EXPECT_TRUE(Run(key, fresh).result.has_value());
}

TEST_F(BasicVerifierTest, PreviousSecretWorksDuringGraceOnly) {
  std::string fresh = NewSecretKey();
  Mutate([&](LiveAccess& a) {
    a.generation = 2;
    a.previous_secret_hash = a.secret_hash;
    a.previous_secret_hint = a.secret_hint;
    a.previous_valid_until = clock.Now() + seconds(60);
    a.secret_hash = *HashPassword(fresh, kFast);
    a.secret_hint = SecretHint(fresh);
  });
  Answer old = Run(key, secret);
  ASSERT_TRUE(old.result.has_value());
  EXPECT_TRUE(old.result->previous_secret);
  EXPECT_EQ(Run(key, secret).outcome, BasicOutcome::kAllowedCached);
  Answer now = Run(key, fresh);
  ASSERT_TRUE(now.result.has_value());
  EXPECT_FALSE(now.result->previous_secret);
  clock.Advance(seconds(60));
  ExpectDenied(Run(key, secret), BasicOutcome::kWrongSecret);  // cached entry no longer stands
}

TEST_F(BasicVerifierTest, FifthFailureThrottlesWithoutHash) {
  for (int i = 0; i < 5; ++i) ExpectDenied(Run(key, NewSecretKey()), BasicOutcome::kWrongSecret);
  Answer a = Run(key, secret);  // even the right secret waits: the hash is not run
  ASSERT_FALSE(a.result.has_value());
  EXPECT_EQ(a.outcome, BasicOutcome::kThrottled);
  EXPECT_EQ(a.result.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(a.result.error().retry_after_seconds, 3);
  clock.Advance(seconds(3));
  EXPECT_TRUE(Run(key, secret).result.has_value());
  // Success reset the count: one more failure does not throttle.
  ExpectDenied(Run(key, NewSecretKey()), BasicOutcome::kWrongSecret);
  EXPECT_EQ(Run(key, NewSecretKey()).outcome, BasicOutcome::kWrongSecret);
}

TEST_F(BasicVerifierTest, CachedCredentialServedWhileThrottled) {
  ASSERT_TRUE(Run(key, secret).result.has_value());
  for (int i = 0; i < 5; ++i) ExpectDenied(Run(key, NewSecretKey()), BasicOutcome::kWrongSecret);
  EXPECT_EQ(Run(key, NewSecretKey()).outcome, BasicOutcome::kThrottled);
  EXPECT_EQ(Run(key, secret).outcome, BasicOutcome::kAllowedCached);
}

TEST_F(BasicVerifierTest, UnknownKeysThrottledLikeKnownOnes) {
  std::string ghost = NewAccessKey();
  for (int i = 0; i < 5; ++i) ExpectDenied(Run(ghost, secret), BasicOutcome::kUnknownKey);
  EXPECT_EQ(Run(ghost, secret).outcome, BasicOutcome::kThrottled);
}

TEST_F(BasicVerifierTest, PoolFullAnswers503AtOnce) {
  WorkerPool full(1, 0);  // a queue that takes nothing
  BasicVerifier v(clock, table, cache, throttle, full, kFast);
  std::optional<Answer> got;
  v.Verify(key, SecretString(secret), "10.0.0.1", [&](Result<VerifiedAccess> r, BasicOutcome o) {
    got = Answer{std::move(r), o};
  });
  ASSERT_TRUE(got.has_value());  // answered inline, no waiting
  EXPECT_EQ(got->outcome, BasicOutcome::kOverloaded);
  ASSERT_FALSE(got->result.has_value());
  EXPECT_EQ(got->result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(got->result.error().retry_after_seconds, 1);
}

TEST_F(BasicVerifierTest, CachedServedEvenWhenPoolFull) {
  ASSERT_TRUE(Run(key, secret).result.has_value());
  WorkerPool full(1, 0);
  BasicVerifier v(clock, table, cache, throttle, full, kFast);
  std::optional<BasicOutcome> got;
  v.Verify(key, SecretString(secret), "a",
           [&](Result<VerifiedAccess>, BasicOutcome o) { got = o; });
  EXPECT_EQ(got, BasicOutcome::kAllowedCached);
}

TEST_F(BasicVerifierTest, ThrottledAnswerHeldBackByTarpit) {
  Tarpit tarpit(std::chrono::milliseconds(100));
  verifier.SetTarpit(&tarpit);
  for (int i = 0; i < 5; ++i) ExpectDenied(Run(key, NewSecretKey()), BasicOutcome::kWrongSecret);
  std::promise<Answer> p;
  const auto start = std::chrono::steady_clock::now();
  verifier.Verify(key, SecretString(secret), "10.0.0.1",
                  [&](Result<VerifiedAccess> r, BasicOutcome o) {
                    p.set_value(Answer{std::move(r), o});
                  });
  EXPECT_EQ(tarpit.held(), 1u);  // not answered inline
  Answer a = p.get_future().get();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(a.outcome, BasicOutcome::kThrottled);
  EXPECT_EQ(a.result.error().retry_after_seconds, 3);
  verifier.SetTarpit(nullptr);
}

TEST_F(BasicVerifierTest, AbandonedAttemptsAreSkippedUncounted) {
  // Ten wrong secrets whose clients hung up while queued: no hash, no failure counted, so the
  // key is not throttled and the right secret still works at once.
  for (int i = 0; i < 10; ++i) {
    std::promise<Answer> p;
    verifier.Verify(
        key, SecretString(NewSecretKey()), "10.0.0.1",
        [&](Result<VerifiedAccess> r, BasicOutcome o) {
          p.set_value(Answer{std::move(r), o});
        },
        [] { return true; });
    const Answer a = p.get_future().get();
    EXPECT_EQ(a.outcome, BasicOutcome::kAbandoned);
    EXPECT_EQ(a.result.error().code, ErrorCode::kUnavailable);
  }
  EXPECT_EQ(Run(key, secret).outcome, BasicOutcome::kAllowed);
}

TEST_F(BasicVerifierTest, PoolFullAnswerHeldBackByTarpit) {
  Tarpit tarpit(std::chrono::milliseconds(100));
  WorkerPool full(1, 0);  // a queue that takes nothing
  BasicVerifier v(clock, table, cache, throttle, full, kFast);
  v.SetTarpit(&tarpit);
  std::promise<Answer> p;
  const auto start = std::chrono::steady_clock::now();
  v.Verify(key, SecretString(secret), "10.0.0.1", [&](Result<VerifiedAccess> r, BasicOutcome o) {
    p.set_value(Answer{std::move(r), o});
  });
  EXPECT_EQ(tarpit.held(), 1u);  // not answered inline: a flood must not loop on instant 503s
  Answer a = p.get_future().get();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(a.outcome, BasicOutcome::kOverloaded);
  EXPECT_EQ(a.result.error().retry_after_seconds, 1);
  tarpit.Stop();
}

TEST_F(BasicVerifierTest, MalformedFromThrottledAddressGets429) {
  for (int i = 0; i < 100; ++i) ExpectDenied(Run(key, "garbage"), BasicOutcome::kMalformed);
  Answer a = Run(key, "garbage");
  EXPECT_EQ(a.outcome, BasicOutcome::kThrottled);
  EXPECT_EQ(a.result.error().code, ErrorCode::kResourceExhausted);
  // Another address is not affected.
  ExpectDenied(Run(key, "garbage", "10.0.0.2"), BasicOutcome::kMalformed);
}

TEST_F(BasicVerifierTest, RefuseMalformedCountsPerAddress) {
  std::optional<BasicOutcome> got;
  auto note = [&](Result<VerifiedAccess>, BasicOutcome o) { got = o; };
  for (int i = 0; i < 100; ++i) verifier.RefuseMalformed("10.0.0.9", note);
  EXPECT_EQ(got, BasicOutcome::kMalformed);
  verifier.RefuseMalformed("10.0.0.9", note);
  EXPECT_EQ(got, BasicOutcome::kThrottled);
}

// Runs `n` attempts queued behind a blocked pool thread, then releases them; outcomes in order.
std::vector<BasicOutcome> QueuedOutcomes(WorkerPool& pool, BasicVerifier& verifier,
                                         const std::string& key,
                                         const std::function<std::string()>& secret_of, int n) {
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  EXPECT_TRUE(pool.TrySubmit([open] { open.wait(); }));
  std::vector<std::future<BasicOutcome>> answers;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<BasicOutcome>>();
    answers.push_back(p->get_future());
    verifier.Verify(key, SecretString(secret_of()), "10.0.0.1",
                    [p](Result<VerifiedAccess>, BasicOutcome o) { p->set_value(o); });
  }
  gate.set_value();
  std::vector<BasicOutcome> out;
  out.reserve(answers.size());
  for (auto& f : answers) out.push_back(f.get());
  return out;
}

TEST_F(BasicVerifierTest, QueuedAttemptsPastTheThresholdAreRefusedWithoutHash) {
  auto got = QueuedOutcomes(
      pool, verifier, key, [] { return NewSecretKey(); }, 7);
  std::vector<BasicOutcome> want(5, BasicOutcome::kWrongSecret);
  want.push_back(BasicOutcome::kThrottled);
  want.push_back(BasicOutcome::kThrottled);
  EXPECT_EQ(got, want);
}

TEST_F(BasicVerifierTest, QueuedDuplicatesOfASuccessAreServedFromTheCache) {
  auto got = QueuedOutcomes(
      pool, verifier, key, [this] { return secret; }, 3);
  EXPECT_EQ(got, (std::vector<BasicOutcome>{BasicOutcome::kAllowed, BasicOutcome::kAllowedCached,
                                            BasicOutcome::kAllowedCached}));
}

TEST_F(BasicVerifierTest, ZeroEntryCachePaysTheHashEachTime) {
  CredentialCache off(clock, 0);
  BasicVerifier v(clock, table, off, throttle, pool, kFast);
  for (int i = 0; i < 2; ++i) {
    std::promise<BasicOutcome> p;
    v.Verify(key, SecretString(secret), "10.0.0.1",
             [&](Result<VerifiedAccess>, BasicOutcome o) { p.set_value(o); });
    EXPECT_EQ(p.get_future().get(), BasicOutcome::kAllowed);
  }
}

// Parsing of the header value.
TEST(BasicCredentialsTest, ParsesUserAndSecret) {
  auto c = ParseBasicAuthorization(FormatBasicAuthorization("ordo_ak_x", "s:e:c"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "ordo_ak_x");
  EXPECT_EQ(c->secret.value(), "s:e:c");  // only the first colon separates
}

TEST(BasicCredentialsTest, SchemeCaseInsensitive) {
  std::string v = FormatBasicAuthorization("a", "b");
  v.replace(0, 5, "bAsIc");
  EXPECT_TRUE(ParseBasicAuthorization(v).has_value());
}

TEST(BasicCredentialsTest, Errors) {
  EXPECT_EQ(ParseBasicAuthorization("Bearer abc").error(), BasicParseError::kNotBasic);
  EXPECT_EQ(ParseBasicAuthorization("Basic").error(), BasicParseError::kNotBasic);
  EXPECT_EQ(ParseBasicAuthorization("Basic ").error(), BasicParseError::kBadEncoding);
  EXPECT_EQ(ParseBasicAuthorization("Basic !!!!").error(), BasicParseError::kBadEncoding);
  EXPECT_EQ(ParseBasicAuthorization("Basic YWJj").error(), BasicParseError::kNoColon);  // "abc"
  EXPECT_EQ(ParseBasicAuthorization("Basic YQBiOmM=").error(),
            BasicParseError::kBadEncoding);  // "a\0b:c"
}

TEST(BasicCredentialsTest, DecodesEveryLengthAndRefusesNonCanonicalBase64) {
  // Every secret length 0..40 round-trips through libsodium's encoder (all padding shapes).
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string secret;
    for (std::size_t i = 0; i < n; ++i) secret.push_back(static_cast<char>('!' + (i * 37) % 94));
    auto c = ParseBasicAuthorization(FormatBasicAuthorization("ordo_ak_k", secret));
    ASSERT_TRUE(c.has_value()) << n;
    EXPECT_EQ(c->secret.value(), secret) << n;
  }
  // "a:b" is YTpi; wrong length, misplaced or extra padding, unused bits set, bad alphabet.
  for (const char* bad : {"Basic YTpi=", "Basic YTp", "Basic YT=i", "Basic YTpi====", "Basic YTo=x",
                          "Basic YTpj==", "Basic YTo-", "Basic YTo_", "Basic YTp\x80"}) {
    EXPECT_EQ(ParseBasicAuthorization(bad).error(), BasicParseError::kBadEncoding) << bad;
  }
  EXPECT_EQ(ParseBasicAuthorization("Basic YTo=").value().secret.value(), "");        // "a:"
  EXPECT_EQ(ParseBasicAuthorization("Basic YTpiYw==").value().secret.value(), "bc");  // "a:bc"
}

TEST(BasicCredentialsTest, DecodedBasicViewsItsOwnBufferAndParsesAgain) {
  DecodedBasic d;
  ASSERT_TRUE(d.Parse(FormatBasicAuthorization("ordo_ak_x", "first:secret")).has_value());
  EXPECT_EQ(d.user(), "ordo_ak_x");
  EXPECT_EQ(d.secret(), "first:secret");
  // A failed parse leaves nothing behind from the one before.
  EXPECT_EQ(d.Parse("Basic YWJj").error(), BasicParseError::kNoColon);
  EXPECT_EQ(d.user(), "");
  EXPECT_EQ(d.secret(), "");
  ASSERT_TRUE(d.Parse(FormatBasicAuthorization("u", "s")).has_value());
  EXPECT_EQ(d.user(), "u");
  EXPECT_EQ(d.secret(), "s");
  d.Clear();
  EXPECT_EQ(d.user(), "");
  EXPECT_EQ(d.secret(), "");
}

TEST(BasicCredentialsTest, LongCredentialsDecodeOutsideTheInlineBuffer) {
  // Past the 192 bytes kept inline, on both sides of the boundary.
  for (std::size_t n : {180u, 189u, 190u, 191u, 192u, 300u, 5000u}) {
    std::string secret;
    for (std::size_t i = 0; i < n; ++i) secret.push_back(static_cast<char>('!' + (i * 37) % 94));
    DecodedBasic d;
    ASSERT_TRUE(d.Parse(FormatBasicAuthorization("ordo_ak_k", secret)).has_value()) << n;
    EXPECT_EQ(d.user(), "ordo_ak_k") << n;
    EXPECT_EQ(d.secret(), secret) << n;
  }
}

TEST(BasicCredentialsTest, ControlCharactersRefusedAnywhere) {
  // At every position of a text longer than one 16-byte chunk: NUL, TAB, ESC, DEL.
  const std::string clean = "ordo_ak_abc:" + std::string(40, 's');
  for (char c : {'\0', '\t', '\x1b', '\x7f'}) {
    for (std::size_t at = 0; at < clean.size(); ++at) {
      std::string text = clean;
      text[at] = c;
      EXPECT_EQ(ParseBasicAuthorization(FormatBasicAuthorization("u", text)).error(),
                BasicParseError::kBadEncoding)
          << int(c) << " at " << at;
    }
  }
  EXPECT_TRUE(
      ParseBasicAuthorization(FormatBasicAuthorization("ordo_ak_abc", "~ \x80")).has_value());
}

}  // namespace
}  // namespace ordo::auth
