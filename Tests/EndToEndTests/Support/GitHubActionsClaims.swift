import Foundation

/// The claims of a GitHub Actions OIDC token for one workflow run, shaped as GitHub's
/// (`https://token.actions.githubusercontent.com`): the run's repository and ref, the
/// `sub` GitHub builds from them, and the identifiers that GitHub sends as strings.
struct GitHubActionsClaims {
    /// The `iss` of every GitHub Actions token.
    static let issuer = "https://token.actions.githubusercontent.com"

    /// `OWNER/NAME`.
    var repository: String
    /// The ref the workflow runs on, such as `refs/heads/main`.
    var ref: String
    /// GitHub's default audience is the owner's URL, `https://github.com/OWNER`.
    var audience: String
    /// The repository's numeric id, as a string (GitHub sends it so).
    var repositoryID = "690123456"
    /// The workflow file, relative to the repository.
    var workflowPath = ".github/workflows/alerting-rules.yml"

    /// The claims of a push run of `repository` on `ref`, for the owner's default audience
    /// unless `audience` is given.
    init(repository: String, ref: String, audience: String? = nil) {
        self.repository = repository
        self.ref = ref
        self.audience = audience ?? "https://github.com/" + Self.owner(of: repository)
    }

    /// The owner part of `OWNER/NAME`.
    static func owner(of repository: String) -> String {
        String(repository.split(separator: "/", maxSplits: 1).first ?? "")
    }

    /// The claims as a JSON object (text), for `tokengate mint`, which adds `iat`, `nbf`
    /// and `exp`.
    var text: String {
        let owner = Self.owner(of: repository)
        let workflowRef = "\(repository)/\(workflowPath)@\(ref)"
        let claims: [String: String] = [
            "iss": Self.issuer, "aud": audience, "sub": "repo:\(repository):ref:\(ref)",
            "jti": UUID().uuidString.lowercased(),
            "repository": repository, "repository_owner": owner,
            "repository_id": repositoryID, "repository_owner_id": "1342004",
            "repository_visibility": "private",
            "ref": ref, "ref_type": ref.hasPrefix("refs/tags/") ? "tag" : "branch",
            "sha": "8f4d2c6b0e5a7d9c1b3e4f60718293a4b5c6d7e8",
            "workflow": "Alerting rules", "workflow_ref": workflowRef,
            "job_workflow_ref": workflowRef, "event_name": "push",
            "run_id": "7301234567", "run_number": "42", "run_attempt": "1",
            "actor": "octocat", "actor_id": "583231", "runner_environment": "github-hosted",
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
