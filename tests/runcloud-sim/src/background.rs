//! A service of the simulator besides the API (the DNS responder, the served certificates):
//! one thread on its own socket, polling the stop signal.

use std::io;
use std::net::SocketAddr;
use std::thread::{self, JoinHandle};

pub(crate) struct Background {
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Runs `work` on a thread named `name`; `addr` is where it listens.
    pub(crate) fn spawn(
        name: &str,
        addr: SocketAddr,
        work: impl FnOnce() + Send + 'static,
    ) -> io::Result<Background> {
        let thread = thread::Builder::new().name(name.into()).spawn(work)?;
        Ok(Background {
            addr,
            thread: Some(thread),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the thread after the stop signal was given.
    pub(crate) fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
