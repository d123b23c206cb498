//! Reconcile: compare the names the network wants with the web app's domains,
//! and optionally make them agree. Removal is opt-in and limited to names this
//! integration added; the primary domain and protected names are never touched.

use std::collections::{BTreeSet, HashMap};

use crate::client::Client;
use crate::domain_name::DomainName;
use crate::error::Result;
use crate::listing::list_domains;
use crate::model::Domain;
use crate::operations;
use crate::ssl::{app_wide_ssl, redeploy_domain_certificate, AppWideSsl, SslOutcome};

/// How a sync runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Only report the plan (the default for callers: see the PHP function).
    pub dry_run: bool,
    /// Remove domains that are not wanted (only those in `managed`).
    pub prune: bool,
    /// Names this integration added earlier: the only ones `prune` may remove.
    pub managed: BTreeSet<String>,
    /// Names never removed, whatever else says so (the network's main domain).
    pub protected: BTreeSet<String>,
    /// Wanted names to add with their `www.` variant.
    pub www: BTreeSet<String>,
    /// Bring certificates up to date after adding (one redeploy in basic mode).
    pub redeploy_ssl: bool,
}

/// What a sync found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// Wanted names missing from the app.
    pub to_add: Vec<String>,
    /// Managed names on the app that are no longer wanted (only with prune).
    pub to_remove: Vec<String>,
    /// Wanted names already on the app, or covered by a wildcard domain.
    pub unchanged: Vec<String>,
    /// Names actually added.
    pub added: Vec<String>,
    /// Names actually removed.
    pub removed: Vec<String>,
    /// Per-name failures (invalid names included), as `(name, message)`.
    pub errors: Vec<(String, String)>,
    /// The SSL step after adding, if one ran.
    pub ssl: Vec<SslOutcome>,
}

/// The decision part of a sync, separate from I/O so it is tested directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Plan {
    /// Names to add.
    pub add: Vec<DomainName>,
    /// Domains to remove, with their ids from the listing.
    pub remove: Vec<Domain>,
    /// Names that need nothing.
    pub unchanged: Vec<String>,
    /// Inputs that are not valid names, with why.
    pub invalid: Vec<(String, String)>,
}

/// Decides what to add and remove. Pure: `current` is the app's domain list.
fn plan(wanted: &[String], current: &[Domain], options: &SyncOptions) -> Plan {
    let mut plan = Plan::default();
    let mut wanted_names = BTreeSet::new();
    for input in wanted {
        match DomainName::parse(input) {
            Ok(name) => {
                wanted_names.insert(name);
            }
            Err(error) => plan.invalid.push((input.clone(), error.to_string())),
        }
    }
    let by_name: HashMap<&str, &Domain> = current.iter().map(|d| (d.name.as_str(), d)).collect();
    let wildcards: Vec<DomainName> = current
        .iter()
        .filter(|d| d.wildcard)
        .filter_map(|d| DomainName::parse(&d.name).ok())
        .collect();
    for name in &wanted_names {
        let covered = wildcards.iter().any(|w| w.covers_as_wildcard(name));
        if by_name.contains_key(name.as_str()) || covered {
            plan.unchanged.push(name.to_string());
        } else {
            plan.add.push(name.clone());
        }
    }
    if options.prune {
        let wanted_strings: BTreeSet<&str> = wanted_names.iter().map(DomainName::as_str).collect();
        let managed = normalised(&options.managed);
        let protected = normalised(&options.protected);
        plan.remove = current
            .iter()
            .filter(|d| !d.is_primary())
            .filter(|d| !wanted_strings.contains(d.name.as_str()))
            .filter(|d| managed.contains(&d.name))
            .filter(|d| !protected.contains(&d.name))
            .cloned()
            .collect();
    }
    plan
}

/// Names as RunCloud lists them, so caller-supplied spellings still match.
fn normalised(names: &BTreeSet<String>) -> BTreeSet<String> {
    names
        .iter()
        .map(|name| DomainName::parse(name).map_or_else(|_| name.to_lowercase(), |n| n.to_string()))
        .collect()
}

/// Lists the app's domains, plans, and unless `dry_run` carries the plan out.
/// A failure on one name is recorded and the others go on.
pub fn sync(client: &Client, wanted: &[String], options: &SyncOptions) -> Result<SyncReport> {
    let current = list_domains(client)?;
    let plan = plan(wanted, &current, options);
    let mut report = SyncReport {
        dry_run: options.dry_run,
        to_add: plan.add.iter().map(ToString::to_string).collect(),
        to_remove: plan.remove.iter().map(|d| d.name.clone()).collect(),
        unchanged: plan.unchanged.clone(),
        errors: plan.invalid.clone(),
        ..SyncReport::default()
    };
    if options.dry_run {
        return Ok(report);
    }
    apply_adds(client, &plan.add, options, &mut report);
    apply_removals(client, &plan.remove, &mut report);
    if options.redeploy_ssl && !report.added.is_empty() {
        refresh_certificates(client, &mut report);
    }
    Ok(report)
}

fn apply_adds(
    client: &Client,
    names: &[DomainName],
    options: &SyncOptions,
    report: &mut SyncReport,
) {
    let with_www = normalised(&options.www);
    for name in names {
        let www = with_www.contains(name.as_str());
        match operations::add_domain(client, name, www) {
            Ok(_) => report.added.push(name.to_string()),
            Err(error) => report.errors.push((name.to_string(), error.to_string())),
        }
    }
}

fn apply_removals(client: &Client, domains: &[Domain], report: &mut SyncReport) {
    for domain in domains {
        // Removed now, or gone already since the listing: either way off the app.
        match operations::delete_domain(client, domain.id) {
            Ok(_) => report.removed.push(domain.name.clone()),
            Err(error) => report.errors.push((domain.name.clone(), error.to_string())),
        }
    }
}

/// Basic SSL: one redeploy for everything added. Advanced SSL: one step per
/// added domain (none with AutoSSL).
fn refresh_certificates(client: &Client, report: &mut SyncReport) {
    let mode = match app_wide_ssl(client) {
        Ok(AppWideSsl::Done(outcome)) => return report.ssl.push(outcome),
        Ok(AppWideSsl::PerDomain(mode)) => mode,
        Err(error) => return report.errors.push(("ssl".into(), error.to_string())),
    };
    let added: Vec<DomainName> = report
        .added
        .iter()
        .filter_map(|name| DomainName::parse(name).ok())
        .collect();
    for name in added {
        match redeploy_domain_certificate(client, mode, &name) {
            Ok(outcome) => report.ssl.push(outcome),
            Err(error) => report
                .errors
                .push((format!("ssl {name}"), error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(id: u64, name: &str, kind: &str, wildcard: bool) -> Domain {
        Domain {
            id,
            name: name.into(),
            kind: kind.into(),
            www: false,
            redirection: "none".into(),
            wildcard,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn set(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn adds_missing_names_and_keeps_present_ones() {
        let current = [
            domain(1, "network.test", "primary", false),
            domain(2, "a.com", "alias", false),
        ];
        let plan = plan(
            &names(&["A.com", "b.com"]),
            &current,
            &SyncOptions::default(),
        );
        assert_eq!(plan.unchanged, names(&["a.com"]));
        assert_eq!(plan.add.len(), 1);
        assert_eq!(plan.add[0].as_str(), "b.com");
        assert!(plan.remove.is_empty());
    }

    #[test]
    fn wildcard_domain_covers_one_level_below() {
        let current = [domain(1, "network.test", "primary", true)];
        let plan = plan(
            &names(&["shop.network.test", "a.b.network.test"]),
            &current,
            &SyncOptions::default(),
        );
        assert_eq!(plan.unchanged, names(&["shop.network.test"]));
        assert_eq!(plan.add[0].as_str(), "a.b.network.test");
    }

    #[test]
    fn prune_removes_only_managed_unprotected_non_primary_names() {
        let current = [
            domain(1, "network.test", "primary", false),
            domain(2, "managed-old.com", "alias", false),
            domain(3, "someone-elses.com", "alias", false),
            domain(4, "main.network", "alias", false),
        ];
        let options = SyncOptions {
            prune: true,
            managed: set(&["Managed-Old.com.", "main.network", "network.test"]),
            protected: set(&["MAIN.network"]),
            ..SyncOptions::default()
        };
        let plan = plan(&[], &current, &options);
        let removed: Vec<&str> = plan.remove.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(removed, ["managed-old.com"]);
    }

    #[test]
    fn without_prune_nothing_is_removed() {
        let current = [domain(2, "old.com", "alias", false)];
        let options = SyncOptions {
            managed: set(&["old.com"]),
            ..SyncOptions::default()
        };
        assert!(plan(&[], &current, &options).remove.is_empty());
    }

    #[test]
    fn invalid_wanted_names_are_reported_not_sent() {
        let plan = plan(
            &names(&["ok.com", "bad name.com", "10.0.0.1"]),
            &[],
            &SyncOptions::default(),
        );
        assert_eq!(plan.add.len(), 1);
        assert_eq!(plan.invalid.len(), 2);
    }

    /// Inputs shaped like host names, valid or not.
    fn name_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            1 => any::<String>(),
            2 => "[a-zA-Z0-9.\\- ]{0,40}",
            4 => "[a-zA-Z]{1,8}\\.(com|test|co\\.uk)\\.?",
        ]
    }

    proptest::proptest! {
        #[test]
        fn a_plan_never_panics_and_never_removes_the_primary(
            wanted in proptest::collection::vec(name_like(), 0..12),
            current in proptest::collection::vec(
                (name_like(), proptest::prelude::any::<bool>(), proptest::prelude::any::<bool>()),
                0..12,
            ),
            managed in proptest::collection::btree_set(name_like(), 0..6),
            prune in proptest::prelude::any::<bool>(),
        ) {
            use proptest::prop_assert;
            let domains: Vec<Domain> = current
                .into_iter()
                .enumerate()
                .map(|(index, (name, primary, wildcard))| {
                    domain(index as u64 + 1, &name, if primary { "primary" } else { "alias" }, wildcard)
                })
                .collect();
            // Every listed name is managed, so only the primary rule can keep one.
            let managed: BTreeSet<String> = managed
                .into_iter()
                .chain(domains.iter().map(|d| d.name.clone()))
                .collect();
            let options = SyncOptions { prune, managed, ..SyncOptions::default() };
            let result = plan(&wanted, &domains, &options);
            for name in &result.add {
                prop_assert!(DomainName::parse(name.as_str()).as_ref() == Ok(name), "{:?}", name);
            }
            prop_assert!(result.remove.iter().all(|d| !d.is_primary()));
            prop_assert!(prune || result.remove.is_empty());
            prop_assert!(result.add.len() + result.unchanged.len() + result.invalid.len() <= wanted.len());
        }
    }
}
