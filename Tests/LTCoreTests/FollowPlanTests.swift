import LTCore
import Testing

/// Which strategies a follower decides after a probe (issue 15): new arrivals, never the signals a
/// pass already left undecided (deferred: the venue could not be read), so a venue outage is not
/// retried on every probe.
struct FollowPlanTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var undecided: [String: Int]
        var settled: [String: Int]
        var due: Set<String>
        var settledAfter: [String: Int]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing anywhere", undecided: [:], settled: [:], due: [], settledAfter: [:]),
        Case(name: "a new signal", undecided: ["a": 1], settled: [:], due: ["a"], settledAfter: [:]),
        Case(
            name: "only the deferred one left", undecided: ["a": 2], settled: ["a": 2], due: [], settledAfter: ["a": 2]),
        Case(
            name: "one more than was left", undecided: ["a": 3], settled: ["a": 2], due: ["a"], settledAfter: ["a": 2]),
        Case(
            name: "a deferred one decided elsewhere lowers the bar", undecided: ["a": 1], settled: ["a": 2], due: [],
            settledAfter: ["a": 1]),
        Case(name: "all left ones gone", undecided: [:], settled: ["a": 2], due: [], settledAfter: [:]),
        Case(
            name: "several strategies", undecided: ["a": 1, "b": 4, "c": 1], settled: ["b": 4, "c": 0],
            due: ["a", "c"],
            settledAfter: ["b": 4]),
    ]

    @Test(arguments: cases)
    func plan(_ c: Case) {
        let plan = FollowPlan.due(undecided: c.undecided, settled: c.settled)
        #expect(plan.due == c.due)
        #expect(plan.settled == c.settledAfter)
    }
}
