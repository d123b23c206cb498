<?php

// Stubs for wu_runcloud

namespace WuRunCloud {
    /**
     * RunCloud answered with an error status: `getCode()` is the HTTP status and
     * the message carries RunCloud's own message.
     */
    class ApiException extends \WuRunCloud\RunCloudException {
        public function __construct() {}

        /**
         * Whether the same call may succeed later (429 and 5xx); 4xx errors will not.
         *
         * @return bool
         */
        public function isRetryable(): bool {}
    }

    /**
     * Required constants are missing or invalid; the message names them, never their values.
     */
    class ConfigurationException extends \WuRunCloud\RunCloudException {
        public function __construct() {}
    }

    /**
     * A domain name was rejected before any request was made.
     */
    class InvalidDomainException extends \WuRunCloud\RunCloudException {
        public function __construct() {}
    }

    /**
     * The operation would remove the web app's primary domain.
     */
    class ProtectedDomainException extends \WuRunCloud\RunCloudException {
        public function __construct() {}
    }

    /**
     * Base class of every exception the extension throws.
     */
    class RunCloudException extends \RuntimeException {
        public function __construct() {}
    }

    /**
     * RunCloud could not be reached or its answer could not be used: DNS, connect,
     * TLS, timeout, reset, an unreadable body, the call's deadline, or a domain
     * list that kept changing. `getKind()` tells which; all are worth a later retry.
     */
    class TransportException extends \WuRunCloud\RunCloudException {
        public function __construct() {}

        /**
         * `dns`, `connect`, `tls`, `timeout`, `reset`, `response` (an unreadable
         * answer), `deadline` (`wu_runcloud.deadline` ran out) or `unsettled` (the
         * domain list kept changing while it was read).
         *
         * @return string
         */
        public function getKind(): string {}

        /**
         * Always true: the network or RunCloud may be fine again later.
         *
         * @return bool
         */
        public function isRetryable(): bool {}
    }
}

namespace {
    /**
     * The extension's version, also `phpversion('wu_runcloud')`.
     */
    const WU_RUNCLOUD_VERSION = '0.1.0';

    /**
     * Adds `$domain` to the web app as an alias; with `$www` RunCloud also serves
     * `www.$domain` and redirects it. Idempotent: a domain already there is
     * returned as it is, with `created` false.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param string $domain
     * @param bool $www
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_add_domain(string $domain, bool $www = false, ?string $app = null): array {}

    /**
     * The web apps the extension serves, as `"SERVER:APP"` strings: the primary
     * app (`WU_RUNCLOUD_SERVER_ID`, `WU_RUNCLOUD_APP_ID`) first, then the apps of
     * `$list` (by default the `WU_RUNCLOUD_APPS` constant), each once. A list is
     * separated by commas or whitespace, e.g. `"12345:67890, 12346:67891"`; an
     * entry that is not two positive integers around a colon throws a
     * `ConfigurationException` naming it. Needs no credentials; no request.
     *
     * @param string|null $list
     * @return array
     */
    function wu_runcloud_apps(?string $list = null): array {}

    /**
     * Diagnostics: extension version, API version, base URL, which constants are
     * defined (names only, never values), timeouts, retry limits, the deadline,
     * and whether a proxy is configured (`proxy`, never its URL).
     *
     * @return array
     */
    function wu_runcloud_config(): array {}

    /**
     * The Unicode form of a domain name, for display: each label that is the
     * canonical punycode of a Unicode label decoded, any other label (not
     * punycode, not decodable, a mixed-script look-alike) kept as given, with
     * control and invisible characters shown as U+FFFD. Never throws, sends nothing.
     *
     * @param string $domain
     * @return string
     */
    function wu_runcloud_domain_to_unicode(string $domain): string {}

    /**
     * Every domain of the web app, across all pages: a list of arrays with `id`,
     * `name`, `type`, `www` (bool), `redirection` and `wildcard` (bool).
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_list_domains(?string $app = null): array {}

    /**
     * One page of the web app's domains, 40 to a page, pages counted from 1:
     * `domains` (as `wu_runcloud_list_domains()` gives them), `page`,
     * `total_pages`, `total`, and `rate_limit` and `rate_remaining` as RunCloud's
     * headers reported them (null when absent), so a caller walking the list over
     * several processes can pace itself. A page past the last one is empty.
     *
     * With `$search` (a domain name), RunCloud is asked for the names containing
     * it. Its search is a shortcut, not a promise: a RunCloud that ignores it
     * answers the same page of the whole list, so a name missing from a page is
     * absent only when `total_pages` is 1.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param int $page
     * @param string|null $search
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_list_domains_page(int $page, ?string $search = null, ?string $app = null): array {}

    /**
     * Validates and normalises a domain name without contacting RunCloud:
     * lowercase, no trailing dot, internationalised names as punycode.
     *
     * @param string $domain
     * @return string
     */
    function wu_runcloud_normalize_domain(string $domain): string {}

    /**
     * Brings certificates up to date after domains changed: basic SSL redeploys the
     * web app's certificate; advanced SSL installs or redeploys `$domain`'s, unless
     * AutoSSL handles it. Returns `mode`, `action` ("redeployed", "installed",
     * "none" or "auto"), `certificate_id`, `domain` and `message`.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param string|null $domain
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_redeploy_ssl(?string $domain = null, ?string $app = null): array {}

    /**
     * The registered domain of a name (the name under its public suffix, by the Public
     * Suffix List built in), after the same validation and normalisation; a public suffix
     * is its own. No request.
     *
     * @param string $domain
     * @return string
     */
    function wu_runcloud_registered_domain(string $domain): string {}

    /**
     * Removes `$domain` from the web app, whichever page it is on. Returns false
     * when it was not there; throws for the web app's primary domain. `$id`, the
     * `id` that `wu_runcloud_add_domain()` returned (for the same app), saves
     * walking the list.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param string $domain
     * @param int|null $id
     * @param string|null $app
     * @return bool
     */
    function wu_runcloud_remove_domain(string $domain, ?int $id = null, ?string $app = null): bool {}

    /**
     * Switches the web app's SSL mode: `$advanced` for a certificate per domain
     * (with `$auto_ssl`, RunCloud issues them itself), else basic SSL (one
     * certificate for every name of the app, at most 100 names). Returns the mode
     * RunCloud reports afterwards: `ssl_mode` ("basic" or "advanced") and
     * `auto_ssl`. 2 requests. AutoSSL without advanced SSL is refused without a request.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param bool $advanced
     * @param bool $auto_ssl
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_set_ssl_mode(bool $advanced, bool $auto_ssl = false, ?string $app = null): array {}

    /**
     * Compares the names the network wants with the web app's domains and returns
     * the plan and what was done: `dry_run`, `to_add`, `to_remove`, `unchanged`,
     * `added`, `removed`, `errors` (name => message) and `ssl`.
     *
     * Options: `dry_run` (default true: report only), `prune` (default false:
     * also remove unwanted names, but only those listed in `managed`), `managed`,
     * `protected` (never removed), `www` (names to add with their www variant),
     * `redeploy_ssl` (default true: bring certificates up to date after adding).
     * The web app's primary domain is never removed.
     *
     * For PHP code of your own that reconciles from a script (a cron job, a
     * deploy hook), one app a call: `$app` as for the other functions.
     *
     * @param array $domains
     * @param array|null $options
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_sync(array $domains, ?array $options = null, ?string $app = null): array {}

    /**
     * Checks the credentials (ping) and the server and web app ids (web app details).
     *
     * Returns `api_version` ("v3" or "v2"), `webapp_name`, `domain_count`,
     * `ssl_mode` ("basic" or "advanced") and `auto_ssl`.
     *
     * `$app` (`"SERVER:APP"`) addresses another web app of the account; null, the
     * primary one of `WU_RUNCLOUD_SERVER_ID` and `WU_RUNCLOUD_APP_ID`. An `$app`
     * that is not two positive integers around a colon throws a
     * `ConfigurationException` before any request.
     *
     * @param string|null $app
     * @return array
     */
    function wu_runcloud_test_connection(?string $app = null): array {}
}
