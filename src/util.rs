//! Helpers for the whole crate, as extension traits on standard types. This
//! module imports nothing of the crate, so a helper never ties two modules
//! into an import cycle.

use std::sync::{Mutex, MutexGuard};

/// Locking that survives a panic elsewhere.
pub(crate) trait MutexExt<T> {
    /// Locks the mutex, carrying on with its data if a thread panicked while
    /// holding it: every value guarded in this crate stays consistent between
    /// statements, so a poisoned lock holds nothing half-written.
    fn locked(&self) -> MutexGuard<'_, T>;
}

impl<T> MutexExt<T> for Mutex<T> {
    fn locked(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_poisoned_by_a_panic_still_gives_its_data() {
        let shared = std::sync::Arc::new(Mutex::new(1));
        let held = std::sync::Arc::clone(&shared);
        let _ = std::thread::spawn(move || {
            let mut value = held.locked();
            *value = 2;
            panic!("poisons the lock");
        })
        .join();
        assert!(shared.is_poisoned());
        assert_eq!(*shared.locked(), 2);
    }
}
