//! Reading the web app's domain list: one page, every page (in parallel when
//! there are many), and a bounded walk looking for one name. Every page is
//! checked before any of it is used.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::client::Client;
use crate::domain_name::DomainName;
use crate::error::{Error, Result};
use crate::model::{Domain, Page, Pagination};
use crate::util::MutexExt;

/// RunCloud's largest page size: fewer calls for every walk through the list.
pub const PAGE_SIZE: u64 = 40;
/// Pages fetched at once when listing everything.
pub const MAX_PARALLEL_PAGES: usize = 8;
/// Pages each parallel fetch takes on at least. Up to 17 pages (680 domains)
/// are read one after another on one kept-alive connection: measured under
/// php-fpm with busy cores, handing pages to a helper thread costs more CPU than
/// it saves time. Larger lists, where waiting on RunCloud dominates, use up to
/// eight connections: 10,000 domains take 8.
const PAGES_PER_CONNECTION: usize = 16;
/// The most domains a listing takes in. A total beyond it is refused rather
/// than walked: it is a broken or hostile answer more likely than an app
/// (at RunCloud's 60 requests a minute, 100,000 domains take 42 minutes to read).
pub const MAX_LISTED_DOMAINS: u64 = 100_000;
/// The pages of the largest listing taken in.
pub const MAX_PAGES: u64 = MAX_LISTED_DOMAINS.div_ceil(PAGE_SIZE);
/// Passes over the list at most, when it keeps changing underneath.
const MAX_WALKS: usize = 3;

/// How many domains the web app has: one request, for a page of one.
pub(crate) fn domain_count(client: &Client) -> Result<u64> {
    Ok(domains_page(client, 1, 1)?.meta.pagination.total)
}

fn domains_page(client: &Client, page: u64, per_page: u64) -> Result<Page<Domain>> {
    let found =
        client.get_json(client.app_path(&format!("/domains?page={page}&perPage={per_page}")))?;
    check_page(&found, page, per_page)?;
    Ok(found)
}

/// Refuses a page RunCloud cannot have sent (a broken endpoint, a misconfigured
/// proxy, a man in the middle) before any of it is used: more domains than the
/// page size, a total beyond [`MAX_LISTED_DOMAINS`] or short of what the pages
/// so far hold, a record with an impossible id, name or word.
fn check_page(found: &Page<Domain>, page: u64, per_page: u64) -> Result<()> {
    let refuse = |detail: String| Err(Error::invalid_response(200, detail));
    let pagination = &found.meta.pagination;
    let total = pagination.total;
    let listed = found.data.len() as u64;
    let page_size = per_page.min(pagination.per_page);
    if listed > page_size {
        return refuse(format!(
            "RunCloud's answer lists {listed} domains on a page of {page_size}"
        ));
    }
    if total > MAX_LISTED_DOMAINS {
        return refuse(format!(
            "RunCloud reports {total} domains; more than {MAX_LISTED_DOMAINS} are not listed"
        ));
    }
    let through_this_page = page.saturating_sub(1).saturating_mul(page_size) + listed;
    if listed > 0 && through_this_page > total {
        return refuse(format!(
            "RunCloud reports {total} domains but its page {page} reaches domain {through_this_page}"
        ));
    }
    match found.data.iter().find_map(Domain::defect) {
        Some(defect) => refuse(format!("RunCloud's answer holds {defect}")),
        None => Ok(()),
    }
}

/// A page of the domains whose names contain `name`, when RunCloud's `search`
/// parameter filters; when it does not (it is unconfirmed for domains), the
/// same page of the whole list. Either way every page of it, walked to its
/// end, holds the name if the app has it: a search is a shortcut, never a
/// verdict. A domain name needs no escaping in a query.
fn search_page(client: &Client, page: u64, name: &DomainName) -> Result<Page<Domain>> {
    let found = client.get_json(client.app_path(&format!(
        "/domains?page={page}&perPage={PAGE_SIZE}&search={name}"
    )))?;
    check_page(&found, page, PAGE_SIZE)?;
    Ok(found)
}

/// Every domain of the web app, across all pages. After the first page the rest
/// are fetched concurrently (at most [`MAX_PARALLEL_PAGES`] at a time, fewer
/// when the rate-limit window runs low).
pub fn list_domains(client: &Client) -> Result<Vec<Domain>> {
    let first = domains_page(client, 1, PAGE_SIZE)?;
    let total_pages = plausible_page_count(&first.meta.pagination)?;
    let mut domains = first.data;
    for page in fetch_pages(client, 2..=total_pages)? {
        domains.extend(page);
    }
    // Paging over a list that changes meanwhile can repeat an entry.
    let mut seen = HashSet::new();
    domains.retain(|domain| seen.insert(domain.id));
    Ok(domains)
}

/// One page of the web app's domains, [`PAGE_SIZE`] to a page (pages count
/// from 1), for a caller that walks the list across several processes. With
/// `search`, RunCloud is asked for the names containing it (see
/// [`search_page`]): the caller must not take a name's absence from a page
/// that is not the only one as proof.
pub fn list_domains_page(
    client: &Client,
    page: u64,
    search: Option<&DomainName>,
) -> Result<Page<Domain>> {
    let found = match search {
        Some(name) => search_page(client, page, name)?,
        None => domains_page(client, page, PAGE_SIZE)?,
    };
    plausible_page_count(&found.meta.pagination)?;
    Ok(found)
}

/// The page count RunCloud announced, refused when absurd: a broken or hostile
/// answer must not make the client reserve memory for, or fetch, billions of
/// pages. The count must also fit the announced total, give or take a page.
fn plausible_page_count(pagination: &Pagination) -> Result<u64> {
    let needed = pagination.total.div_ceil(pagination.per_page.max(1)).max(1);
    if pagination.total_pages > MAX_PAGES || pagination.total_pages > needed.saturating_add(1) {
        return Err(Error::invalid_response(
            200,
            format!(
                "implausible page count {} for {} domains",
                pagination.total_pages, pagination.total
            ),
        ));
    }
    Ok(pagination.total_pages)
}

/// What the threads fetching pages share: the next page to take, the pages
/// fetched, the first failure.
struct PageWork {
    client: Client,
    next: AtomicU64,
    end: u64,
    start: u64,
    stop: AtomicBool,
    results: Mutex<Vec<Option<Vec<Domain>>>>,
    failure: Mutex<Option<Error>>,
}

impl PageWork {
    /// Takes pages until none is left or one failed.
    fn run(&self) {
        while !self.stop.load(Ordering::Relaxed) {
            let page = self.next.fetch_add(1, Ordering::Relaxed);
            if page > self.end {
                break;
            }
            match domains_page(&self.client, page, PAGE_SIZE) {
                Ok(found) => self.results.locked()[(page - self.start) as usize] = Some(found.data),
                Err(error) => {
                    self.stop.store(true, Ordering::Relaxed);
                    self.failure.locked().get_or_insert(error);
                }
            }
        }
    }
}

/// Fetches `pages` on the calling thread and, for more than a few pages, on
/// helper threads kept by the process (see [`crate::workers`]).
fn fetch_pages(client: &Client, pages: RangeInclusive<u64>) -> Result<Vec<Vec<Domain>>> {
    let (start, end) = (*pages.start(), *pages.end());
    if start > end {
        return Ok(Vec::new());
    }
    let count = usize::try_from(end - start + 1).unwrap_or(usize::MAX);
    let work = Arc::new(PageWork {
        client: client.clone(),
        next: AtomicU64::new(start),
        end,
        start,
        stop: AtomicBool::new(false),
        results: Mutex::new(vec![None; count]),
        failure: Mutex::new(None),
    });
    let shared = Arc::clone(&work);
    crate::workers::run_parallel(
        parallelism(client, count) - 1,
        Arc::new(move || shared.run()),
    );
    if let Some(error) = work.failure.locked().take() {
        return Err(error);
    }
    // A page a helper could not fetch (it panicked) is fetched here.
    let mut pages = std::mem::take(&mut *work.results.locked());
    for (offset, slot) in pages.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(domains_page(client, start + offset as u64, PAGE_SIZE)?.data);
        }
    }
    Ok(pages.into_iter().map(Option::unwrap_or_default).collect())
}

/// How many pages to fetch at once: one connection per [`PAGES_PER_CONNECTION`]
/// pages (each parallel fetch needs its own connection, and only a couple stay
/// open between calls), at most [`MAX_PARALLEL_PAGES`], and no more than the
/// rate-limit window can take without tipping into 429s.
fn parallelism(client: &Client, pages: usize) -> usize {
    let by_rate = client
        .rate_remaining()
        .map_or(MAX_PARALLEL_PAGES, |remaining| {
            (remaining as usize / 4).max(1)
        });
    MAX_PARALLEL_PAGES
        .min(pages.div_ceil(PAGES_PER_CONNECTION))
        .min(by_rate)
        .max(1)
}

/// Finds `name` on the web app, walking pages in order and stopping at the
/// match. A list that changed during every one of [`MAX_WALKS`] passes is an
/// [`Error::Unsettled`], never "not found": a removal must not be skipped
/// because the name slipped past a moving list.
pub(crate) fn find_domain(client: &Client, name: &DomainName) -> Result<Option<Domain>> {
    for _ in 0..MAX_WALKS {
        match walk_for(client, name)? {
            Walk::Found(domain) => return Ok(Some(domain)),
            Walk::Absent => return Ok(None),
            Walk::ListChanged => continue,
        }
    }
    Err(Error::Unsettled(format!(
        "changed during each of {MAX_WALKS} walks looking for {name}; try again later"
    )))
}

/// What one pass over the pages found.
enum Walk {
    Found(Domain),
    Absent,
    /// Not seen, but the list's total changed during the pass.
    ListChanged,
}

/// One pass over the pages of a search for the name, in order, at most as
/// many as the first page announced (itself bounded by
/// [`plausible_page_count`]): one page where RunCloud's search filters, the
/// whole list where it does not. A domain removed from an earlier page
/// meanwhile shifts the rest forward, so a name can slip past a pass: a pass
/// that saw the list's total change does not prove the name absent.
fn walk_for(client: &Client, name: &DomainName) -> Result<Walk> {
    let first = search_page(client, 1, name)?;
    let first_total = first.meta.pagination.total;
    let last_page = plausible_page_count(&first.meta.pagination)?;
    let mut page = first;
    let mut number = 1;
    loop {
        if let Some(domain) = page.data.iter().find(|d| d.name == name.as_str()) {
            return Ok(Walk::Found(domain.clone()));
        }
        // A page short of the announced last that holds nothing: the list
        // shrank under the walk (or its pagination is wrong).
        let empty = page.data.is_empty() && number < last_page;
        if page.meta.pagination.total != first_total || empty {
            return Ok(Walk::ListChanged);
        }
        if number >= last_page.min(page.meta.pagination.total_pages) {
            return Ok(Walk::Absent);
        }
        number += 1;
        page = search_page(client, number, name)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(total_pages: u64) -> Pagination {
        Pagination {
            total: total_pages.saturating_mul(PAGE_SIZE),
            count: PAGE_SIZE,
            per_page: PAGE_SIZE,
            current_page: 1,
            total_pages,
        }
    }

    #[test]
    fn absurd_page_counts_are_refused() {
        assert_eq!(plausible_page_count(&pages(1)).unwrap(), 1);
        assert_eq!(plausible_page_count(&pages(MAX_PAGES)).unwrap(), MAX_PAGES);
        for absurd in [MAX_PAGES + 1, u64::MAX / 40, u64::MAX] {
            let error = plausible_page_count(&pages(absurd)).unwrap_err();
            assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
        }
        let lying = Pagination {
            total: 3,
            total_pages: 1_000,
            ..pages(1)
        };
        assert!(plausible_page_count(&lying).is_err());
        let empty = Pagination {
            total: 0,
            ..pages(1)
        };
        assert_eq!(plausible_page_count(&empty).unwrap(), 1);
    }
}
