<?php
/**
 * One load worker: adds its share of the load domains, then removes every
 * other one, retrying what the extension reports as retryable the way the
 * plugin's durable queue would. Prints a JSON summary on stdout.
 *
 * Arguments: worker index, worker count, domain count.
 * Configuration comes from the WU_RUNCLOUD_* environment variables.
 */

declare(strict_types=1);

// Generous, as the durable queue plus the daily reconcile are: a removal that walks
// 25 pages meets an injected error on about 40% of its attempts.
const MAX_ATTEMPTS = 20;

foreach (['WU_RUNCLOUD_API_URL', 'WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID'] as $name) {
    define($name, (string) getenv($name));
}

[$index, $workers, $total] = array_map('intval', array_slice($argv, 1, 3));
$summary = ['added' => 0, 'removed' => 0, 'retries' => 0, 'failures' => []];

/** Runs $operation until it succeeds, fails for good, or runs out of attempts. */
function attempt(string $label, callable $operation, array &$summary): mixed
{
    for ($try = 1; ; $try++) {
        try {
            return $operation();
        } catch (\WuRunCloud\ApiException | \WuRunCloud\TransportException $e) {
            if (!$e->isRetryable() || $try >= MAX_ATTEMPTS) {
                $summary['failures'][] = sprintf('%s: %s: %s', $label, get_class($e), $e->getMessage());
                return null;
            }
            $summary['retries']++;
            usleep(50_000 * $try);
        }
    }
}

$mine = [];
for ($n = $index; $n < $total; $n += $workers) {
    $mine[$n] = sprintf('load-%04d.example.test', $n);
}
$ids = [];
foreach ($mine as $n => $domain) {
    $added = attempt("add $domain", fn () => wu_runcloud_add_domain($domain, $n % 3 === 0), $summary);
    if ($added !== null) {
        $summary['added']++;
        $ids[$n] = $added['id'];
    }
}
foreach ($mine as $n => $domain) {
    if ($n % 2 === 0) {
        continue;
    }
    // Half the removals give the id from the add, half walk the list by name.
    $hint = $n % 4 === 1 ? ($ids[$n] ?? null) : null;
    $removed = attempt("remove $domain", fn () => wu_runcloud_remove_domain($domain, $hint), $summary);
    if ($removed !== null) {
        $summary['removed']++;
    }
}
echo json_encode($summary), "\n";
