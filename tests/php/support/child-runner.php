<?php

/**
 * Runs one piece of test code in a fresh PHP process, where the WU_RUNCLOUD_* constants
 * can take values other than the ones the suite's own process defined.
 *
 * Reads {"constants": {...}, "ini": {...}, "code": "..."} as JSON on stdin, defines the
 * constants, applies the ini settings, evaluates the code (a function body that may
 * `return` a value) and prints one JSON object describing what happened.
 */

declare(strict_types=1);

if (!extension_loaded('wu_runcloud')) {
    fwrite(STDERR, "the wu_runcloud extension is not loaded in the child process\n");
    exit(2);
}

$spec = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
foreach ($spec['constants'] as $name => $value) {
    define($name, $value);
}
foreach ($spec['ini'] as $name => $value) {
    if (ini_set($name, (string) $value) === false) {
        fwrite(STDERR, "could not set $name\n");
        exit(2);
    }
}

/** Everything a caller could see of an exception, as text. */
function describe_exception(Throwable $exception): array
{
    ob_start();
    var_dump($exception);
    $dump = ob_get_clean();
    return [
        'class' => get_class($exception),
        'parents' => array_values(class_parents($exception)),
        'code' => $exception->getCode(),
        'message' => $exception->getMessage(),
        'kind' => method_exists($exception, 'getKind') ? $exception->getKind() : null,
        'retryable' => method_exists($exception, 'isRetryable') ? $exception->isRetryable() : null,
        'trace' => $exception->getTraceAsString(),
        'as_string' => (string) $exception,
        'dump' => $dump,
        'export' => print_r($exception, true),
    ];
}

$report = ['result' => null, 'exception' => null, 'output' => ''];
ob_start();
try {
    $report['result'] = (static function (string $code) {
        return eval($code);
    })($spec['code']);
} catch (Throwable $exception) {
    $report['exception'] = describe_exception($exception);
}
$report['output'] = ob_get_clean();
echo json_encode($report, JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
