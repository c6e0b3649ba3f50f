/// A failure of the test machinery itself (no binary, no python3, a child that would not
/// start, a reply that never came), never a verdict on tokengate's answers.
///
/// Tests let it propagate: Swift Testing records the thrown error as the test's failure,
/// so a missing binary fails the run loudly instead of skipping it.
struct HarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
