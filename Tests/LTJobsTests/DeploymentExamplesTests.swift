import Foundation
import Testing
import Yams

/// The deployment examples (examples/systemd, examples/k8s, crontab.example) parsed and checked
/// against the real `lt` binary: every job is scheduled, every command line names a subcommand and
/// flags `lt` has, and the hardening and secret handling are there (issue 14 item 8).
@Suite("deployment examples")
struct DeploymentExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let jobs = ["execute", "sync-order-status", "check-exits", "resolve", "redeem", "daily-reset"]

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    // MARK: What lt accepts, from its own help

    static func help(_ args: [String]) throws -> String {
        let r = try LTProcess.run(args + ["--help"], environment: [:])
        #expect(r.status == 0, "lt \(args.joined(separator: " ")) --help: \(r.stderr)")
        return r.stdout
    }

    /// `lt --help`'s SUBCOMMANDS section.
    static func subcommands() throws -> Set<String> {
        var names: Set<String> = []
        var inSection = false
        for line in try help([]).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inSection = true
                continue
            }
            guard inSection else { continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            if let first = line.split(separator: " ").first { names.insert(String(first)) }
        }
        return names
    }

    static func flags(_ subcommand: String) throws -> Set<String> {
        let text = try help([subcommand])
        var found: Set<String> = []
        for m in text.matches(of: /--[a-z][a-z0-9-]*/) { found.insert(String(m.output)) }
        return found
    }

    /// Checks one command line (`job --flag value …`): a subcommand lt has, flags that subcommand has.
    static func checkCommandLine(_ args: [String], in file: String, known: Set<String>) throws {
        let sub = try #require(args.first, "\(file): empty command line")
        #expect(known.contains(sub), "\(file): lt has no subcommand \(sub)")
        let accepted = try flags(sub)
        for flag in args.dropFirst().filter({ $0.hasPrefix("--") }) {
            let name = String(flag.split(separator: "=").first ?? "")
            if !accepted.contains(name) { Issue.record("\(file): lt \(sub) has no flag \(name)") }
        }
    }

    // MARK: systemd

    @Test("systemd: a hardened service and a timer per job, each running an existing lt command")
    func systemd() throws {
        let known = try Self.subcommands()
        let dir = Self.root.appendingPathComponent("examples/systemd")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(Set(files) == Set(Self.jobs.flatMap { ["lt-\($0).service", "lt-\($0).timer"] }), "\(files)")
        for job in Self.jobs {
            let service = try SystemdUnit(parsing: Self.read("examples/systemd/lt-\(job).service"))
            let timer = try SystemdUnit(parsing: Self.read("examples/systemd/lt-\(job).timer"))
            let s = "lt-\(job).service"
            #expect(service.value("Service", "Type") == "oneshot", "\(s)")
            #expect(service.value("Service", "EnvironmentFile") == "/etc/lt/lt.env", "\(s)")
            #expect(
                service.value("Service", "DynamicUser") == "yes"
                    || !(service.value("Service", "User") ?? "").isEmpty, "\(s): no dedicated or dynamic user")
            for (key, value) in [
                ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"), ("ProtectHome", "yes"),
                ("PrivateDevices", "yes"), ("CapabilityBoundingSet", ""),
            ] {
                #expect(service.value("Service", key) == value, "\(s): \(key) should be \(value)")
            }
            let exec = try #require(service.value("Service", "ExecStart"), "\(s): no ExecStart")
            let words = exec.split(separator: " ").map(String.init)
            #expect(words.first?.hasSuffix("/lt") == true, "\(s): ExecStart runs \(words.first ?? "")")
            #expect(words.dropFirst().first == job, "\(s): ExecStart runs \(words.dropFirst().first ?? "") not \(job)")
            try Self.checkCommandLine(Array(words.dropFirst()), in: s, known: known)
            // Whatever lt writes must be writable under ProtectSystem=strict.
            if let i = words.firstIndex(of: "--metrics-file"), i + 1 < words.count {
                let writable = (service.value("Service", "ReadWritePaths") ?? "").split(separator: " ")
                #expect(writable.contains { words[i + 1].hasPrefix($0 + "/") }, "\(s): metrics file not writable")
            }
            #expect(timer.value("Timer", "Unit") == s)
            #expect(!(timer.value("Timer", "OnCalendar") ?? "").isEmpty, "lt-\(job).timer has no OnCalendar")
            #expect(timer.value("Install", "WantedBy") == "timers.target")
        }
        let execute = try SystemdUnit(parsing: Self.read("examples/systemd/lt-execute.service"))
        #expect(execute.value("Service", "ExecStart")?.contains("execute --follow 58s --lock-wait 5s") == true)
        let minute = try SystemdUnit(parsing: Self.read("examples/systemd/lt-execute.timer"))
        #expect(minute.value("Timer", "OnCalendar") == "*-*-* *:*:00")
        let daily = try SystemdUnit(parsing: Self.read("examples/systemd/lt-daily-reset.timer"))
        #expect(daily.value("Timer", "OnCalendar") == "*-*-* 00:00:00 UTC")
        #expect(daily.value("Timer", "Persistent") == "true")
    }

    @Test("the INI parser reads sections, keys, repeated keys, continuations and comments")
    func iniParser() throws {
        let unit = try SystemdUnit(
            parsing: """
                # comment
                [Service]
                ExecStart=/usr/local/bin/lt execute \\
                  --shard 0/2
                ; another comment
                Environment=A=1
                Environment=B=2
                CapabilityBoundingSet=
                """)
        #expect(unit.value("Service", "ExecStart") == "/usr/local/bin/lt execute --shard 0/2")
        #expect(unit.values("Service", "Environment") == ["A=1", "B=2"])
        #expect(unit.value("Service", "CapabilityBoundingSet") == "")
        #expect(unit.value("Service", "Missing") == nil)
        #expect(throws: SystemdUnit.Malformed.self) { try SystemdUnit(parsing: "Key=before any section") }
        #expect(throws: SystemdUnit.Malformed.self) { try SystemdUnit(parsing: "[Unit]\nno equals sign") }
    }

    // MARK: Kubernetes

    @Test("k8s: a CronJob per job with a concurrency policy, sharding where lt supports it, wallets 0400")
    func kubernetes() throws {
        let known = try Self.subcommands()
        var byName: [String: [String: Any]] = [:]
        for doc in try Yams.load_all(yaml: Self.read("examples/k8s/cronjobs.yaml")) {
            let d = try #require(doc as? [String: Any])
            #expect(d["kind"] as? String == "CronJob" && d["apiVersion"] as? String == "batch/v1")
            let name = try #require((d["metadata"] as? [String: Any])?["name"] as? String)
            byName[name] = d
        }
        #expect(Set(byName.keys) == Set(Self.jobs.map { "lt-\($0)" }))
        for job in Self.jobs {
            let file = "cronjobs.yaml lt-\(job)"
            let cron = try #require(byName["lt-\(job)"])
            let spec = try #require(cron["spec"] as? [String: Any])
            #expect(["Forbid", "Replace"].contains(spec["concurrencyPolicy"] as? String ?? ""), "\(file)")
            let schedule = try #require(spec["schedule"] as? String, "\(file): no schedule")
            #expect(schedule.split(separator: " ").count == 5, "\(file): schedule \(schedule)")
            let jobSpec = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
            let pod = try #require((jobSpec["template"] as? [String: Any])?["spec"] as? [String: Any])
            let volumes = try #require(pod["volumes"] as? [[String: Any]])
            let secrets = volumes.compactMap { $0["secret"] as? [String: Any] }
            #expect(!secrets.isEmpty, "\(file): no Secret volume for the wallets")
            for s in secrets { #expect(s["defaultMode"] as? Int == 0o400, "\(file): secret mode \(s)") }
            let container = try #require((pod["containers"] as? [[String: Any]])?.first)
            let args = try #require(container["args"] as? [String])
            #expect(args.first == job, "\(file): runs \(args.first ?? "")")
            try Self.checkCommandLine(args, in: file, known: known)
            let env = (container["env"] as? [[String: Any]]) ?? []
            let mounts = ((container["volumeMounts"] as? [[String: Any]]) ?? []).compactMap {
                $0["mountPath"] as? String
            }
            let walletsFile = env.first { $0["name"] as? String == "LT_WALLETS_FILE" }?["value"] as? String
            #expect(mounts.contains { walletsFile?.hasPrefix($0 + "/") == true }, "\(file): wallets not mounted")
            if let i = args.firstIndex(of: "--metrics-file") {
                #expect(mounts.contains { args[i + 1].hasPrefix($0 + "/") }, "\(file): metrics file not on a volume")
            } else {
                Issue.record("\(file): no --metrics-file")
            }
            // Every job that takes --shard is spread over an Indexed Job's pods, shard i of N each.
            if try Self.flags(job).contains("--shard") {
                let i = try #require(args.firstIndex(of: "--shard"), "\(file): not sharded")
                let n = jobSpec["completions"] as? Int
                #expect(args[i + 1] == "$(SHARD)/\(n ?? -1)", "\(file): --shard \(args[i + 1])")
                #expect(jobSpec["completionMode"] as? String == "Indexed" && jobSpec["parallelism"] as? Int == n)
                let shard = try #require(env.first { $0["name"] as? String == "SHARD" }, "\(file): no SHARD")
                let field = ((shard["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"]
                #expect(field as? String == "metadata.annotations['batch.kubernetes.io/job-completion-index']")
            } else {
                #expect(!args.contains("--shard"), "\(file): lt \(job) takes no --shard")
            }
        }
        // The example Secret names the key files where the init container puts them.
        let secrets = try Yams.load_all(yaml: Self.read("examples/k8s/secret.example.yaml")).compactMap {
            $0 as? [String: Any]
        }
        let wallets = try #require(
            secrets.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "lt-wallets" })
        let walletsJSON = try #require((wallets["stringData"] as? [String: Any])?["wallets.json"] as? String)
        #expect(walletsJSON.contains("/run/lt/main.key"))
    }

    // MARK: cron

    @Test("crontab.example runs all six jobs, none commented out, and the hourly doctor")
    func crontab() throws {
        let known = try Self.subcommands()
        var scheduled: [String] = []
        for line in try Self.read("crontab.example").split(separator: "\n") where !line.hasPrefix("#") {
            guard let r = line.range(of: "$LT ") else { continue }
            let words = line[r.upperBound...].split(separator: " ").map(String.init).prefix { !$0.hasPrefix(">") }
            try Self.checkCommandLine(Array(words), in: "crontab.example", known: known)
            scheduled.append(words.first ?? "")
        }
        // The six jobs, each once, plus the hourly `lt doctor` that writes the drift metric the
        // LTBooksDrift alert reads; nothing else.
        #expect(scheduled.filter { $0 != "doctor" }.sorted() == Self.jobs.sorted())
        #expect(scheduled.filter { $0 == "doctor" }.count == 1)
    }
}

/// A systemd unit file as systemd reads it: `[Section]` headers, `Key=Value` lines (a key may
/// repeat), `#`/`;` comments, and a trailing backslash continuing a line.
struct SystemdUnit {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var entries: [(section: String, key: String, value: String)] = []

    init(parsing text: String) throws {
        var section: String?
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";")) { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line.trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            line = pending + line
            pending = ""
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let section else { throw Malformed(description: "\(line): outside any [Section]") }
            guard let eq = line.firstIndex(of: "=") else { throw Malformed(description: "\(line): no '='") }
            entries.append(
                (
                    section, line[..<eq].trimmingCharacters(in: .whitespaces),
                    line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                ))
        }
    }

    func values(_ section: String, _ key: String) -> [String] {
        entries.filter { $0.section == section && $0.key == key }.map(\.value)
    }

    /// The last assignment wins, as in systemd (for keys that are not lists).
    func value(_ section: String, _ key: String) -> String? { values(section, key).last }
}
