import JOSE
import Testing

@testable import KeySets

/// The refresh rules of one issuer's key set, driven with the time as a number: lifetime
/// clamping, refresh ahead of expiry, kid-miss refreshes, staleness and back-off.
@Suite struct IssuerKeyStateTests {
    let start = 1_800_000_000.0

    func loadedState(
        policy: KeyRefreshPolicy = KeyRefreshPolicy(), maxAge: Double? = nil,
        fromFile: Bool = false
    ) -> IssuerKeyState {
        var state = IssuerKeyState(issuerName: "corp", policy: policy)
        state.fetchStarted()
        _ = state.fetchSucceeded(parts(maxAge: maxAge, fromFile: fromFile), at: start)
        return state
    }

    func parts(maxAge: Double? = nil, fromFile: Bool = false) -> KeySetSnapshotParts {
        KeySetSnapshotParts(keySet: KeySet(keys: []), maxAge: maxAge, fromFile: fromFile)
    }

    struct LifetimeCase: CustomTestStringConvertible, Sendable {
        var name: String
        var refresh: Double
        var advertised: Double?
        var lifetime: Double
        var testDescription: String { name }
    }

    @Test(arguments: [
        LifetimeCase(name: "max-age below a minute", refresh: 3600, advertised: 5, lifetime: 60),
        LifetimeCase(name: "max-age within bounds", refresh: 3600, advertised: 120, lifetime: 120),
        LifetimeCase(
            name: "max-age above refresh", refresh: 3600, advertised: 86400, lifetime: 3600),
        LifetimeCase(name: "nothing advertised", refresh: 3600, advertised: nil, lifetime: 3600),
        LifetimeCase(name: "no-store reads as 0", refresh: 3600, advertised: 0, lifetime: 60),
        LifetimeCase(
            name: "infinite max-age", refresh: 3600, advertised: .infinity, lifetime: 3600),
        LifetimeCase(name: "refresh under a minute", refresh: 30, advertised: 5, lifetime: 30),
        LifetimeCase(
            name: "refresh under a minute, long max-age", refresh: 30, advertised: 600,
            lifetime: 30),
    ])
    func lifetimeStaysWithinOneMinuteAndRefresh(_ example: LifetimeCase) {
        let policy = KeyRefreshPolicy(refresh: example.refresh)
        let state = loadedState(policy: policy, maxAge: example.advertised)

        #expect(policy.lifetime(advertised: example.advertised) == example.lifetime)
        #expect(state.snapshot?.loadedAt == start)
        #expect(state.snapshot?.expiresAt == start + example.lifetime)
    }

    @Test(arguments: [60.0, 120, 600, 3600, 86400])
    func nextFetchIsDueBeforeTheSetAgesOut(lifetime: Double) throws {
        let state = loadedState(policy: KeyRefreshPolicy(refresh: lifetime))
        let expiresAt = try #require(state.snapshot?.expiresAt)

        #expect(!state.isFetchDue(at: start))
        #expect(!state.isFetchDue(at: start + lifetime / 2))
        #expect(state.nextFetchDue < expiresAt)
        #expect(state.isFetchDue(at: expiresAt - 1))
    }

    @Test func aFetchIsDueAtOnceButNeverWhileOneIsUnderWay() {
        var state = IssuerKeyState(issuerName: "corp", policy: KeyRefreshPolicy())
        #expect(state.isFetchDue(at: start))

        state.fetchStarted()
        #expect(!state.isFetchDue(at: start))
        #expect(!state.isFetchDue(at: start + 86400))
    }

    @Test func neverLoadedHasNoUsableSnapshot() {
        var state = IssuerKeyState(issuerName: "corp", policy: KeyRefreshPolicy())
        #expect(state.usableSnapshot(at: start) == nil)
        #expect(!state.hasFinishedFirstFetch)

        state.fetchStarted()
        state.fetchFailed("connection refused", at: start)
        #expect(state.usableSnapshot(at: start) == nil)
        #expect(state.hasFinishedFirstFetch)
        #expect(state.lastError == "connection refused")
    }

    @Test func kidMissStartsOneRefreshThenWaitsThenRefusesUntilTheInterval() {
        let policy = KeyRefreshPolicy(kidMissInterval: 30)
        var state = loadedState(policy: policy)
        let missAt = start + 100

        #expect(state.kidMissed(at: missAt) == .startRefresh)
        state.fetchStarted()
        for offset in stride(from: 0.0, to: 1, by: 0.01) {
            #expect(state.kidMissed(at: missAt + offset) == .waitForFetch)
        }
        _ = state.fetchSucceeded(parts(), at: missAt + 1)

        #expect(state.kidMissed(at: missAt + 1) == .refuse)
        #expect(state.kidMissed(at: missAt + 15) == .refuse)
        #expect(state.kidMissed(at: missAt + 29.9) == .refuse)
        #expect(state.kidMissed(at: missAt + 31) == .startRefresh)
    }

    @Test func kidMissDuringAFailedRefreshAlsoWaitsForTheInterval() {
        var state = loadedState(policy: KeyRefreshPolicy(kidMissInterval: 30))
        let missAt = start + 100

        #expect(state.kidMissed(at: missAt) == .startRefresh)
        state.fetchStarted()
        state.fetchFailed("timed out", at: missAt + 10)

        #expect(state.kidMissed(at: missAt + 10) == .refuse)
        #expect(state.kidMissed(at: missAt + 31) == .startRefresh)
    }

    @Test func kidMissWhileAScheduledFetchRunsWaitsForIt() {
        var state = loadedState()
        state.fetchStarted()

        #expect(state.kidMissed(at: start + 3590) == .waitForFetch)
    }

    struct StaleCase: CustomTestStringConvertible, Sendable {
        var name: String
        var secondsAfterLoad: Double
        var isUsable: Bool
        var testDescription: String { name }
    }

    /// Loaded at 0 with a lifetime of 600 s and `max_stale` of 3600 s.
    @Test(arguments: [
        StaleCase(name: "fresh", secondsAfterLoad: 0, isUsable: true),
        StaleCase(name: "just aged out", secondsAfterLoad: 600, isUsable: true),
        StaleCase(name: "stale, within max_stale", secondsAfterLoad: 600 + 3599, isUsable: true),
        StaleCase(name: "max_stale reached", secondsAfterLoad: 600 + 3600, isUsable: false),
        StaleCase(name: "long past max_stale", secondsAfterLoad: 86400 * 7, isUsable: false),
    ])
    func staleKeysServeUntilMaxStaleWhileTheSourceFails(_ example: StaleCase) {
        var state = loadedState(policy: KeyRefreshPolicy(refresh: 600, maxStale: 3600))
        state.fetchStarted()
        state.fetchFailed("the source answered 503", at: start + 590)

        let snapshot = state.usableSnapshot(at: start + example.secondsAfterLoad)
        #expect((snapshot != nil) == example.isUsable)
        #expect(snapshot == nil || snapshot?.version == 1)
    }

    @Test func fileBackedSetNeverAgesNorIsFetchedAgain() {
        let state = loadedState(policy: KeyRefreshPolicy(refresh: 60, maxStale: 60), fromFile: true)
        let tenYears = 10 * 365 * 86400.0

        #expect(state.snapshot?.expiresAt == nil)
        #expect(state.usableSnapshot(at: start + tenYears)?.version == 1)
        #expect(!state.isFetchDue(at: start + tenYears))
    }

    struct BackOffCase: Sendable {
        var failures: Int
        var pause: Double
    }

    @Test(arguments: [
        BackOffCase(failures: 1, pause: 1),
        BackOffCase(failures: 2, pause: 2),
        BackOffCase(failures: 5, pause: 5),
        BackOffCase(failures: 60, pause: 60),
        BackOffCase(failures: 200, pause: 60),
    ])
    func failedFetchesBackOffUpToAMinute(_ example: BackOffCase) {
        var state = IssuerKeyState(issuerName: "corp", policy: KeyRefreshPolicy())
        for _ in 0..<example.failures {
            state.fetchStarted()
            state.fetchFailed("connection refused", at: start)
        }

        #expect(state.nextFetchDue == start + example.pause)
        #expect(!state.isFetchDue(at: start + example.pause - 0.5))
        #expect(state.isFetchDue(at: start + example.pause))
        #expect(state.fetchCounts.failed == example.failures)
    }

    @Test func everyPublicationGetsTheNextVersionAndClearsTheLastError() {
        var state = loadedState()
        state.fetchStarted()
        state.fetchFailed("connection refused", at: start + 10)
        state.fetchStarted()
        let second = state.fetchSucceeded(parts(), at: start + 20)

        #expect(second.version == 2)
        #expect(second.loadedAt == start + 20)
        #expect(state.lastError == nil)
        #expect(state.fetchCounts.succeeded == 2)
        #expect(state.fetchCounts.failed == 1)
    }
}
