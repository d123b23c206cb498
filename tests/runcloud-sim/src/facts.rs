//! RunCloud behaviour that no public source confirms, each guess in one place.
//!
//! Every constant here is a choice made where RunCloud's documentation is silent. Clients
//! must not depend on these exact values; when RunCloud is observed to differ, correct the
//! constant here and the whole simulator follows.

/// Status of `GET APP/ssl` (and `GET APP/domains/{id}/ssl`) when no certificate is installed.
/// RunCloud answers `{"message":"SSL not installed!"}`; the status is unconfirmed, and 404 is
/// what a Laravel controller returning "not found" most plausibly uses.
pub(crate) const SSL_NOT_INSTALLED_STATUS: u16 = 404;
pub(crate) const SSL_NOT_INSTALLED_MESSAGE: &str = "SSL not installed!";

/// Status of a successful create (domain add, SSL install). RunCloud's pages show the created
/// object as the body and never mention 201; its controllers return plain JSON responses,
/// which Laravel sends as 200.
pub(crate) const CREATED_STATUS: u16 = 200;

/// The body of every 422: Laravel's validation exception, which the reference says is
/// likely but unconfirmed.
pub(crate) const VALIDATION_MESSAGE: &str = "The given data was invalid.";

/// Laravel's `unique` rule message for a name already on the web app.
pub(crate) const NAME_TAKEN: &str = "The name has already been taken.";

/// Deleting the web app's primary domain is refused; the wording is a guess.
pub(crate) const PRIMARY_NOT_DELETABLE: &str = "You cannot delete the primary domain name.";

/// Changing the primary domain's type through the meta endpoint is refused too.
pub(crate) const PRIMARY_TYPE_FIXED: &str = "The primary domain name type cannot be changed.";

/// A basic-mode endpoint used while the web app is in advanced mode, and the reverse.
pub(crate) const BASIC_ENDPOINT_IN_ADVANCED_MODE: &str =
    "This web application is using Advanced SSL. Manage SSL per domain name instead.";
pub(crate) const ADVANCED_ENDPOINT_IN_BASIC_MODE: &str =
    "This web application is not using Advanced SSL.";

/// Installing while a certificate is already installed: RunCloud's panel asks to remove or
/// redeploy it first, so the API most plausibly refuses with a 422.
pub(crate) const SSL_ALREADY_INSTALLED: &str = "SSL is already installed for this web application.";

/// AutoSSL only exists in advanced mode.
pub(crate) const AUTO_SSL_NEEDS_ADVANCED: &str = "AutoSSL can only be enabled with Advanced SSL.";

/// Missing records. Laravel's model binding would say "No query results for model ..."; a
/// RunCloud controller more plausibly words it like these.
pub(crate) const SERVER_NOT_FOUND: &str = "Server not found.";
pub(crate) const WEBAPP_NOT_FOUND: &str = "Web application not found.";
pub(crate) const DOMAIN_NOT_FOUND: &str = "Domain name not found.";
pub(crate) const SSL_NOT_FOUND: &str = "SSL certificate not found.";
pub(crate) const ROUTE_NOT_FOUND: &str = "Not Found.";
pub(crate) const METHOD_NOT_ALLOWED: &str = "The method is not supported for this route.";

/// Authentication and throttling: Laravel's own wording, which RunCloud's API passes through.
pub(crate) const UNAUTHENTICATED: &str = "Unauthenticated.";
pub(crate) const TOO_MANY_ATTEMPTS: &str = "Too Many Attempts.";

/// Every field of the add-domain body is treated as required (RunCloud's v2 page lists all
/// four as required). A client that omits one is caught here rather than by RunCloud.
pub(crate) const ADD_DOMAIN_FIELDS_REQUIRED: bool = true;

/// Fractal, which produces RunCloud's `meta.pagination`, would encode empty `links` as a PHP
/// empty array (`[]`); the reference shows `{}`. The simulator follows the reference, and a
/// client should accept either.
pub(crate) const EMPTY_LINKS_AS_OBJECT: bool = true;

/// A certificate order Let's Encrypt refused (install or redeploy), whichever the reason: a
/// name that does not validate or one of Let's Encrypt's limits. RunCloud reports the
/// failure of its Let's Encrypt client; the status and the wording (followed by the names)
/// are guesses, and a client must not tell the reasons apart by the wording.
pub(crate) const LETSENCRYPT_FAILURE_STATUS: u16 = 422;
pub(crate) const LETSENCRYPT_VALIDATION_FAILED: &str =
    "Failed to issue SSL certificate from Let's Encrypt. Make sure the domain names point to this server: ";
pub(crate) const LETSENCRYPT_TOO_MANY_FAILURES: &str =
    "Failed to issue SSL certificate from Let's Encrypt: too many failed authorizations recently for: ";
pub(crate) const LETSENCRYPT_TOO_MANY_DUPLICATES: &str =
    "Failed to issue SSL certificate from Let's Encrypt: too many certificates already issued for this exact set of domains in the last 168 hours.";
/// An order over Let's Encrypt's 100 names, followed by the order's count of names. RunCloud
/// most plausibly passes its ACME client's refusal through with the same 422 as any failed
/// order; Let's Encrypt itself answers such an order as malformed.
pub(crate) const LETSENCRYPT_TOO_MANY_NAMES: &str =
    "Failed to issue SSL certificate from Let's Encrypt: a certificate may cover at most 100 domain names, this one would cover ";
/// The account's new orders (300 per 3 hours) used up. RunCloud orders through one account,
/// for every server of the RunCloud account (unconfirmed: were each server its own ACME
/// account, the budget would be per server, and a client within the shared one is within it).
pub(crate) const LETSENCRYPT_TOO_MANY_ORDERS: &str =
    "Failed to issue SSL certificate from Let's Encrypt: too many new orders recently.";
/// A registered domain's new certificates (50 per 7 days) used up, followed by the domains.
pub(crate) const LETSENCRYPT_TOO_MANY_CERTIFICATES: &str =
    "Failed to issue SSL certificate from Let's Encrypt: too many certificates already issued for: ";

/// Whether `GET APP/domains?search=TERM` lists only the names containing TERM. RunCloud has a
/// `search` parameter on some list endpoints; for domains it is unconfirmed, so a client must
/// stay correct when it is ignored (the control API turns filtering off to test that).
pub(crate) const DOMAIN_SEARCH_FILTERS: bool = true;
