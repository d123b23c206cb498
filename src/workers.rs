//! A few threads per process that fetch pages in parallel, started when first
//! needed and kept parked between calls: no thread is created per call or per
//! page, so a PHP worker pays for them once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;

use crate::util::MutexExt;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The queue the helper threads take jobs from, and how many there are.
struct Pool {
    jobs: Mutex<Sender<Job>>,
    queue: Arc<Mutex<Receiver<Job>>>,
    threads: Mutex<usize>,
}

static POOL: Lazy<Pool> = Lazy::new(|| {
    let (jobs, queue) = channel::<Job>();
    Pool {
        jobs: Mutex::new(jobs),
        queue: Arc::new(Mutex::new(queue)),
        threads: Mutex::new(0),
    }
});

/// Runs `work` on `helpers` threads of the pool and on the calling thread,
/// and returns when all are done. Each runs `work` once; a panic in a helper
/// is contained (its share of the work is simply not done).
pub(crate) fn run_parallel(helpers: usize, work: Arc<dyn Fn() + Send + Sync>) {
    if helpers > 0 {
        ensure_threads(helpers);
    }
    let (done, finished) = channel::<()>();
    for _ in 0..helpers {
        let work = Arc::clone(&work);
        let done = done.clone();
        let job: Job = Box::new(move || {
            let _ = catch_unwind(AssertUnwindSafe(|| work()));
            let _ = done.send(());
        });
        if POOL.jobs.locked().send(job).is_err() {
            // The pool is gone (the process is ending): the caller does it all.
            break;
        }
    }
    drop(done);
    work();
    // Every job sends once, or drops its sender when it cannot run.
    while finished.recv().is_ok() {}
}

/// Starts helper threads until there are at least `wanted`.
fn ensure_threads(wanted: usize) {
    let mut threads = POOL.threads.locked();
    while *threads < wanted {
        let queue = Arc::clone(&POOL.queue);
        let started = std::thread::Builder::new()
            .name("wu_runcloud pages".into())
            .stack_size(256 * 1024)
            .spawn(move || loop {
                let job = match queue.locked().recv() {
                    Ok(job) => job,
                    Err(_) => return,
                };
                job();
            });
        if started.is_err() {
            return;
        }
        *threads += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn work_runs_on_the_caller_and_each_helper_and_threads_are_kept() {
        let runs = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let counter = Arc::clone(&runs);
            run_parallel(
                2,
                Arc::new(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                }),
            );
        }
        assert_eq!(runs.load(Ordering::SeqCst), 9);
        assert_eq!(*POOL.threads.locked(), 2, "started once, reused");
    }

    #[test]
    fn a_panicking_helper_does_not_hang_the_caller() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        run_parallel(
            1,
            Arc::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                if std::thread::current().name() == Some("wu_runcloud pages") {
                    panic!("the helper's share fails");
                }
            }),
        );
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
