//! Page arithmetic of list endpoints, as Laravel's paginator and Fractal's
//! `meta.pagination` do it.

use serde_json::{json, Map, Value};

use crate::facts;

pub(crate) const DEFAULT_PER_PAGE: usize = 20;
pub(crate) const MAX_PER_PAGE: usize = 40;

/// The page a request asks for, after RunCloud's corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub page: usize,
    pub per_page: usize,
}

impl PageRequest {
    /// `page`: anything but a whole number of at least 1 means page 1, as Laravel's paginator
    /// resolves it. `perPage`: absent, not a whole number, or below 1 means the default of
    /// 20; above 40 is clamped to 40 (RunCloud documents the maximum, and a clamp is kinder
    /// than a 422 for what is only a size hint).
    pub(crate) fn from_query(page: Option<&str>, per_page: Option<&str>) -> PageRequest {
        let page = positive(page).unwrap_or(1);
        let per_page = positive(per_page).map_or(DEFAULT_PER_PAGE, |size| size.min(MAX_PER_PAGE));
        PageRequest { page, per_page }
    }
}

fn positive(text: Option<&str>) -> Option<usize> {
    text?
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|number| *number >= 1)
}

/// `total_pages` is at least 1, even for an empty list (`max(ceil(total / perPage), 1)`).
pub(crate) fn total_pages(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page).max(1)
}

/// The `meta.pagination` object for one page. `list_url` is the absolute URL of the list
/// without a query.
pub(crate) fn pagination(
    total: usize,
    count: usize,
    request: PageRequest,
    list_url: &str,
) -> Value {
    let last_page = total_pages(total, request.per_page);
    let link = |page: usize| format!("{list_url}?perPage={}&page={page}", request.per_page);
    let mut links = Map::new();
    // Fractal's rule, which RunCloud's `meta.pagination` comes from: a previous link on any
    // page after the first, even past the end; a next link only before the last page.
    if request.page > 1 {
        links.insert("previous".into(), Value::String(link(request.page - 1)));
    }
    if request.page < last_page {
        links.insert("next".into(), Value::String(link(request.page + 1)));
    }
    let links = if links.is_empty() && !facts::EMPTY_LINKS_AS_OBJECT {
        json!([])
    } else {
        Value::Object(links)
    };
    json!({
        "total": total,
        "count": count,
        "per_page": request.per_page,
        "current_page": request.page,
        "total_pages": last_page,
        "links": links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_page_and_size() {
        let parse = PageRequest::from_query;
        assert_eq!(
            parse(None, None),
            PageRequest {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            parse(Some("3"), Some("41")),
            PageRequest {
                page: 3,
                per_page: 40
            }
        );
        assert_eq!(
            parse(Some("0"), Some("0")),
            PageRequest {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            parse(Some("-2"), Some("abc")),
            PageRequest {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            parse(Some("2"), Some("1")),
            PageRequest {
                page: 2,
                per_page: 1
            }
        );
    }

    #[test]
    fn counts_pages() {
        assert_eq!(total_pages(0, 20), 1);
        assert_eq!(total_pages(20, 20), 1);
        assert_eq!(total_pages(21, 20), 2);
        assert_eq!(total_pages(10_000, 40), 250);
    }

    #[test]
    fn links_like_fractal() {
        let url = "http://127.0.0.1:1/api/v3/x/domains";
        let middle = pagination(
            100,
            40,
            PageRequest {
                page: 2,
                per_page: 40,
            },
            url,
        );
        assert_eq!(
            middle["links"]["previous"],
            format!("{url}?perPage=40&page=1")
        );
        assert_eq!(middle["links"]["next"], format!("{url}?perPage=40&page=3"));
        let only = pagination(
            0,
            0,
            PageRequest {
                page: 1,
                per_page: 20,
            },
            url,
        );
        assert_eq!(only["links"], json!({}));
        let past_end = pagination(
            10,
            0,
            PageRequest {
                page: 5,
                per_page: 20,
            },
            url,
        );
        assert_eq!(
            past_end["links"],
            json!({ "previous": format!("{url}?perPage=20&page=4") })
        );
    }
}
