import Foundation

// Each job summary's own figures as samples (MetricsReporting). Counts of the last run only: the
// books' current state comes from BooksSnapshot.

private typealias L = MetricSample.Label

private func items(_ pairs: KeyValuePairs<String, Int>) -> [MetricSample] {
    pairs.map { MetricSample(MetricFamily.items.rawValue, [L("item", $0.key)], count: $0.value) }
}

extension ExecuteSummary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        let outcomes: KeyValuePairs<String, Int> = [
            "filled": filled, "submitted": submitted, "unfilled": unfilled, "rejected": rejected, "failed": failed,
            "unknown": unknown, "not_placed": notPlaced, "shadow_filled": shadowFilled, "skipped": skippedTotal,
            "deferred": deferred, "already_decided": alreadyDecided, "not_signed": configurationErrors,
            "error": errors.count,
        ]
        var out = outcomes.map {
            MetricSample(MetricFamily.executeSignals.rawValue, [L("outcome", $0.key)], count: $0.value)
        }
        // Every reason, 0 included, so a rate or an alert over one reason always has a series.
        for reason in SkipReason.allCases {
            out.append(
                MetricSample(
                    MetricFamily.executeSkipped.rawValue, [L("reason", reason.rawValue)], count: skipped[reason] ?? 0))
        }
        return out
            + items([
                "strategies": strategies, "signals_seen": signalsSeen, "placed": placed,
                "misconfigured": misconfigured.count, "abandoned_intents": abandonedIntents,
                "unverified_answers": unverifiedAnswers, "answers_not_booked": answersNotBooked,
            ])
    }
}

extension SyncSummary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        items([
            "visited": visited, "filled": filled, "partly_filled": partlyFilled, "corrected": corrected,
            "settling": settling, "settled": settled, "reverted": reverted, "failed": failed, "unfilled": unfilled,
            "live": live, "unchanged": unchanged, "still_unknown": stillUnknown, "stale_unknown": staleUnknown,
            "cancelled": cancelled, "deferred": deferred, "not_signed": configurationErrors, "not_booked": notBooked,
        ])
    }
}

extension CheckExitsSummary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        [
            MetricSample(MetricFamily.exitsRetrying.rawValue, [], count: retryingExits),
            MetricSample(MetricFamily.exitsFailingRepeatedly.rawValue, [], count: failingExits),
        ]
            + items([
                "strategies": strategies, "positions": positions, "leaders_read": leadersRead,
                "leaders_unavailable": leadersUnavailable, "exits_decided": exitsDecided, "sold": sold,
                "shadow_sold": shadowSold, "submitted": submitted, "unfilled": unfilled, "rejected": rejected,
                "not_placed": notPlaced, "unknown": unknown, "pending_exits": pendingExits, "unsettled": unsettled,
                "deferred": deferred, "held_below_minimum": heldBelowMinimum, "errors": errors.count,
            ])
    }
}

extension ResolveSummary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        items([
            "conditions_read": conditionsRead, "conditions_resolved": conditionsResolved, "settled": settled.count,
            "won": settled.filter { $0.outcome == .won }.count, "waiting": waiting.values.reduce(0, +),
            "failed": failed.count, "breakers_tripped": breakersTripped.count,
        ])
    }
}

extension RedeemSummary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        items([
            "groups": groups, "sent": sent.count, "rebroadcast": rebroadcast.count, "redeemed": redeemed.count,
            "waiting": waiting.count, "failed": failed.count,
        ])
    }
}

extension DailyReset.Summary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        items(["reset": reset.count, "breakers_cleared": breakersCleared.count, "already_current": alreadyCurrent])
    }
}

extension Doctor.Summary: MetricsReporting {
    public var metricSamples: [MetricSample] {
        [MetricSample(MetricFamily.doctorChecksFailed.rawValue, [], count: failedCount)]
            + drifts.sorted { $0.key < $1.key }.map {
                MetricSample(MetricFamily.booksDrift.rawValue, [L("wallet", $0.key)], usd: $0.value)
            }
    }
}
