<?php
/**
 * A short tour of every wu_runcloud function, printing what each call did and
 * how long it took. Configuration comes from the environment, the way
 * wp-config.php would define it:
 *   WU_RUNCLOUD_API_TOKEN, or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET;
 *   WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID, optional WU_RUNCLOUD_API_URL.
 * WU_RUNCLOUD_DEMO_DOMAIN names a domain to add, redeploy and remove again;
 * against real RunCloud nothing is changed without it.
 */

declare(strict_types=1);

if (!extension_loaded('wu_runcloud')) {
    fwrite(STDERR, "the wu_runcloud extension is not loaded\n");
    exit(1);
}

foreach (['WU_RUNCLOUD_API_TOKEN', 'WU_RUNCLOUD_API_KEY', 'WU_RUNCLOUD_API_SECRET', 'WU_RUNCLOUD_SERVER_ID', 'WU_RUNCLOUD_APP_ID', 'WU_RUNCLOUD_API_URL'] as $name) {
    $value = getenv($name);
    if ($value !== false && $value !== '') {
        define($name, $value);
    }
}

$demoDomain = getenv('WU_RUNCLOUD_DEMO_DOMAIN') ?: null;
$simulated = getenv('WU_RUNCLOUD_DEMO_SIMULATED') === '1';

/** Runs one call, prints its duration and a one-line summary of the result. */
function step(string $label, callable $call, callable $describe): mixed
{
    $start = hrtime(true);
    try {
        $result = $call();
        $line = $describe($result);
    } catch (\WuRunCloud\RunCloudException $e) {
        $result = $e;
        $line = get_class($e) . ': ' . $e->getMessage();
    }
    printf("[%8.1f ms] %s\n             %s\n", (hrtime(true) - $start) / 1e6, $label, $line);
    return $result;
}

$config = step('wu_runcloud_config()', 'wu_runcloud_config', fn (array $c) => sprintf(
    'extension %s, API %s at %s, timeout %ds, constants set: %s',
    $c['version'],
    $c['api_version'] ?? 'not configured',
    $c['base_url'],
    $c['timeout'],
    implode(', ', array_keys(array_filter($c['constants'])))
));

step('wu_runcloud_test_connection()', 'wu_runcloud_test_connection', fn (array $r) => sprintf(
    'API %s, web app "%s", %d domains, %s SSL%s',
    $r['api_version'],
    $r['webapp_name'],
    $r['domain_count'],
    $r['ssl_mode'],
    $r['auto_ssl'] ? ' with AutoSSL' : ''
));

$domains = step('wu_runcloud_list_domains()', 'wu_runcloud_list_domains', fn (array $list) => sprintf(
    '%d domains across all pages; primary: %s',
    count($list),
    implode(', ', array_column(array_filter($list, fn ($d) => $d['type'] === 'primary'), 'name')) ?: 'none'
));

step('wu_runcloud_normalize_domain(" Bücher.Example. ")', fn () => wu_runcloud_normalize_domain(' Bücher.Example. '), fn (string $n) => "normalised to $n");
step('wu_runcloud_add_domain("shop/../etc")', fn () => wu_runcloud_add_domain('shop/../etc'), fn () => 'unexpectedly accepted');

if ($demoDomain === null && !$simulated) {
    echo "\nSet WU_RUNCLOUD_DEMO_DOMAIN to also add, redeploy and remove a domain on this web app.\n";
    exit(0);
}
$demoDomain ??= 'shop.customer-demo.test';

$describeDomain = fn (array $d) => sprintf(
    '%s %s (id %d, www %s, redirection %s)',
    $d['created'] ? 'added' : 'already there:',
    $d['name'],
    $d['id'],
    $d['www'] ? 'on' : 'off',
    $d['redirection']
);
step("wu_runcloud_add_domain(\"$demoDomain\", www: true)", fn () => wu_runcloud_add_domain($demoDomain, true), $describeDomain);
step("wu_runcloud_add_domain(\"$demoDomain\", www: true) again", fn () => wu_runcloud_add_domain($demoDomain, true), $describeDomain);
if ($simulated) {
    step('wu_runcloud_add_domain("çağrı-merkezi.example.test")', fn () => wu_runcloud_add_domain('çağrı-merkezi.example.test'), $describeDomain);
}
step("wu_runcloud_redeploy_ssl(\"$demoDomain\")", fn () => wu_runcloud_redeploy_ssl($demoDomain), fn (array $s) => sprintf(
    '%s SSL: %s (%s)',
    $s['mode'],
    $s['action'],
    $s['message']
));
step("wu_runcloud_remove_domain(\"$demoDomain\")", fn () => wu_runcloud_remove_domain($demoDomain), fn (bool $removed) => $removed ? 'removed' : 'was not there');
step("wu_runcloud_remove_domain(\"$demoDomain\") again", fn () => wu_runcloud_remove_domain($demoDomain), fn (bool $removed) => $removed ? 'removed' : 'was not there');

if ($simulated && is_array($domains) && count($domains) > 80) {
    $deep = $domains[count($domains) - 1]['name'];
    step("wu_runcloud_remove_domain(\"$deep\") (last page)", fn () => wu_runcloud_remove_domain($deep), fn (bool $removed) => $removed ? 'removed' : 'was not there');
}
$primary = array_values(array_filter(is_array($domains) ? $domains : [], fn ($d) => $d['type'] === 'primary'))[0]['name'] ?? null;
if ($primary !== null) {
    step("wu_runcloud_remove_domain(\"$primary\") (primary)", fn () => wu_runcloud_remove_domain($primary), fn () => 'unexpectedly removed');
}

$wanted = is_array($domains) ? array_column(array_slice($domains, 0, 3), 'name') : [];
$wanted[] = 'new-customer.example.test';
step('wu_runcloud_sync([...' . count($wanted) . ' names]) (dry run)', fn () => wu_runcloud_sync($wanted), fn (array $r) => sprintf(
    'would add %s; %d unchanged; nothing changed (dry run: %s)',
    implode(', ', $r['to_add']) ?: 'nothing',
    count($r['unchanged']),
    $r['dry_run'] ? 'yes' : 'no'
));
