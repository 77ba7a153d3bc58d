import PatinoxMemory

extension Painter {
    /// The lease inspector, under a pool's numbers from line `y`: a summary line (how many are held, their
    /// ages, the leak threshold and where the leases over it were taken), then the oldest leases, one a line,
    /// as many as leave the graph a third of the screen. Returns the line after the last one drawn.
    mutating func drawLeases(of pool: PoolStatus, y: Int) -> Int {
        guard let report = pool.leases else {
            canvas.put(
                " leases: this engine does not report them (it predates the lease inspector)",
                x: 0,
                y: y,
                style: CellStyle(.dim),
                maxWidth: state.width
            )
            return y + 1
        }
        let summary = Format.packed(Self.leaseSummary(report, leased: pool.leased), width: state.width)
        for (offset, line) in summary.enumerated() {
            canvas.put(line, x: 0, y: y + offset, maxWidth: state.width)
        }
        let top = y + summary.count
        let room = max((state.height - top - 5) * 2 / 3 - 1, 0)
        let shown = report.oldest.prefix(room)
        guard !shown.isEmpty else { return top }
        let columns = LeaseColumns(width: state.width)
        canvas.put(columns.titles, x: 0, y: top, style: CellStyle(.dim), maxWidth: state.width)
        for (offset, lease) in shown.enumerated() {
            let role: ColorRole = lease.overThreshold ? .bad : lease.retiring ? .warn : .text
            canvas.put(columns.row(lease), x: 0, y: top + 1 + offset, style: CellStyle(role), maxWidth: state.width)
        }
        return top + 1 + shown.count
    }

    /// The summary's parts: "leases: 5 held, oldest first", "ages <1s 3 · <10s 2", "2 over the 30s leak
    /// threshold, 2 at Orders.swift:88".
    static func leaseSummary(_ report: LeaseReport, leased: Int) -> [String] {
        var parts = ["leases: \(leased) held" + (leased > 0 ? ", oldest first" : "")]
        let bounds = LeaseReport.ageBucketBounds
        if report.ageCounts.count == bounds.count + 1 {
            let labels = bounds.map { "<" + Format.bound($0) } + ["≥" + Format.bound(bounds.last ?? .zero)]
            let ages = zip(labels, report.ageCounts).filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }
            if !ages.isEmpty { parts.append("ages " + ages.joined(separator: ", ")) }
        }
        if let threshold = report.leakThreshold {
            var leak = "\(report.overThreshold) over the \(Format.bound(threshold)) leak threshold"
            if let site = report.overThresholdSites.first { leak += ", \(site.count) at \(site.site)" }
            parts.append(leak)
        } else {
            parts.append("no leak threshold")
        }
        return parts
    }
}

/// The lease list's columns: age, site, task and state get fixed widths; the site takes what is left.
struct LeaseColumns {
    let site: Int
    let task: Int

    init(width: Int) {
        task = width >= 100 ? 24 : width >= 80 ? 16 : 10
        site = max(width - 1 - 8 - 8 - task - 18 - 4, 10)
    }

    var titles: String {
        " " + Format.right("held", 8) + " " + Format.fit("lease", 7) + " " + Format.fit("site", site) + " "
            + Format.fit("task", task) + " state"
    }

    func row(_ lease: LeaseInfo) -> String {
        let state = lease.overThreshold ? "over leak threshold" : lease.retiring ? "closes on return" : "held"
        let at = lease.file.isEmpty ? "?" : "\(lease.file):\(lease.line)"
        return " " + Format.right(Format.held(lease.age), 8) + " " + Format.fit(lease.connection, 7) + " "
            + Format.fitTail(at, site) + " " + Format.fit(lease.task ?? "—", task) + " " + state
    }
}
