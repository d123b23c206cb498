<?php

/**
 * Bootstrap of the extension suite: checks the extension is loaded, starts the RunCloud
 * simulator (stopped with SIGTERM when PHPUnit exits) and defines the WU_RUNCLOUD_*
 * constants for the API version WU_TEST_AUTH selects. Constants cannot be redefined, so
 * tests needing other values run code in a child PHP process (support/ChildPhp.php).
 */

declare(strict_types=1);

use WuRunCloud\Tests\TestEnvironment;

require_once __DIR__ . '/support/Simulator.php';
require_once __DIR__ . '/support/ChildResult.php';
require_once __DIR__ . '/support/ChildPhp.php';
require_once __DIR__ . '/support/TestEnvironment.php';
require_once __DIR__ . '/support/SimulatorTestCase.php';

if (!extension_loaded('wu_runcloud')) {
    fwrite(STDERR, "The wu_runcloud extension is not loaded; run tests/php/run.sh.\n");
    exit(1);
}
if (!extension_loaded('curl')) {
    fwrite(STDERR, "The suite talks to the simulator's control API with the curl extension (php-curl).\n");
    exit(1);
}

TestEnvironment::boot(getenv('WU_TEST_AUTH') ?: 'v3');
foreach (TestEnvironment::constants() as $name => $value) {
    define($name, $value);
}
