//! The listener: a thread per connection, HTTP/1.1 keep-alive, and a clean stop.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::http::{read_request, write_response, write_truncated, ReadError, Request, Response};
use crate::tls::TlsIdentity;

/// An idle keep-alive connection is closed after this long. Long, because a client that
/// reuses a connection just as the server closes it may fail a non-idempotent request.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a stop waits for connection threads to finish.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What to do with a request once handled.
pub(crate) enum Reply {
    Send(Response),
    /// Send after a delay that a stop cuts short (then the connection just closes).
    SendAfter(Response, Duration),
    /// Send the head and part of the body, then close.
    Truncate(Response),
    /// Close without answering.
    Drop,
}

pub(crate) type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Set once when the simulator stops; sleeps in the simulator wake at once then.
#[derive(Debug, Default)]
pub(crate) struct StopSignal {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl StopSignal {
    pub(crate) fn stop(&self) {
        *lock(&self.stopped) = true;
        self.wake.notify_all();
    }

    pub(crate) fn is_stopped(&self) -> bool {
        *lock(&self.stopped)
    }

    /// Sleeps for `duration` unless stopped first; true when the whole duration passed.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut stopped = lock(&self.stopped);
        while !*stopped {
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            stopped = self
                .wake
                .wait_timeout(stopped, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        false
    }
}

/// A poisoned lock only means another connection thread panicked; the data is still usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Open connections, so a stop can close them all.
#[derive(Default)]
struct Connections {
    open: Mutex<HashMap<u64, TcpStream>>,
    all_closed: Condvar,
}

impl Connections {
    fn add(&self, id: u64, stream: &TcpStream) -> io::Result<()> {
        lock(&self.open).insert(id, stream.try_clone()?);
        Ok(())
    }

    fn remove(&self, id: u64) {
        let mut open = lock(&self.open);
        open.remove(&id);
        if open.is_empty() {
            self.all_closed.notify_all();
        }
    }

    /// Shuts every socket down (which ends blocked reads), then waits for the threads.
    fn close_all(&self) {
        let mut open = lock(&self.open);
        for stream in open.values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + STOP_GRACE;
        while !open.is_empty() && Instant::now() < deadline {
            open = self
                .all_closed
                .wait_timeout(open, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A running listener.
pub(crate) struct Server {
    addr: SocketAddr,
    stop: Arc<StopSignal>,
    connections: Arc<Connections>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(
        listener: TcpListener,
        tls: Option<Arc<TlsIdentity>>,
        handler: Handler,
        stop: Arc<StopSignal>,
    ) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let connections = Arc::new(Connections::default());
        let accept_thread = {
            let (stop, connections) = (Arc::clone(&stop), Arc::clone(&connections));
            thread::Builder::new()
                .name("runcloud-sim-accept".into())
                .spawn(move || accept_loop(listener, tls, handler, stop, connections))?
        };
        Ok(Server {
            addr,
            stop,
            connections,
            accept_thread: Some(accept_thread),
        })
    }

    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection and waits for their threads (bounded).
    pub(crate) fn shutdown(&mut self) {
        let Some(accept_thread) = self.accept_thread.take() else {
            return;
        };
        self.stop.stop();
        // The accept loop blocks in accept(); a connection of our own wakes it to see the stop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = accept_thread.join();
        self.connections.close_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(
    listener: TcpListener,
    tls: Option<Arc<TlsIdentity>>,
    handler: Handler,
    stop: Arc<StopSignal>,
    connections: Arc<Connections>,
) {
    let mut next_id: u64 = 0;
    for incoming in listener.incoming() {
        if stop.is_stopped() {
            break;
        }
        let Ok(stream) = incoming else {
            // Out of descriptors or a connection reset before accept: try again shortly.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        next_id += 1;
        if connections.add(next_id, &stream).is_err() {
            continue;
        }
        let id = next_id;
        let (tls, handler, stop, open) = (
            tls.clone(),
            Arc::clone(&handler),
            Arc::clone(&stop),
            Arc::clone(&connections),
        );
        let spawned = thread::Builder::new()
            .name(format!("runcloud-sim-conn-{id}"))
            .spawn(move || {
                serve_connection(stream, tls.as_deref(), &handler, &stop);
                open.remove(id);
            });
        if spawned.is_err() {
            connections.remove(id);
        }
    }
}

/// A plain or TLS connection.
enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(stream) => stream,
            Stream::Tls(stream) => stream.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(stream) => stream.read(buf),
            Stream::Tls(stream) => stream.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(stream) => stream.write(buf),
            Stream::Tls(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(stream) => stream.flush(),
            Stream::Tls(stream) => stream.flush(),
        }
    }
}

fn serve_connection(
    tcp: TcpStream,
    tls: Option<&TlsIdentity>,
    handler: &Handler,
    stop: &StopSignal,
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(IDLE_TIMEOUT));
    let stream = match tls {
        Some(identity) => match identity.wrap(tcp) {
            Ok(stream) => Stream::Tls(Box::new(stream)),
            Err(_) => return,
        },
        None => Stream::Plain(tcp),
    };
    let mut stream = stream;
    let mut buffer = Vec::new();
    while serve_one(&mut stream, &mut buffer, handler, stop) {}
    let _ = stream.tcp().shutdown(Shutdown::Both);
}

/// Reads and answers one request; false when the connection should close.
fn serve_one(
    stream: &mut Stream,
    buffer: &mut Vec<u8>,
    handler: &Handler,
    stop: &StopSignal,
) -> bool {
    let request = match read_request(stream, buffer) {
        Ok(request) => request,
        Err(ReadError::Refuse(response)) => {
            let _ = write_response(stream, &response, false);
            return false;
        }
        Err(ReadError::Closed) => return false,
    };
    if stop.is_stopped() {
        return false;
    }
    let keep_alive = request.keep_alive;
    match handler(&request) {
        Reply::Send(response) => {
            write_response(stream, &response, keep_alive).is_ok() && keep_alive
        }
        Reply::SendAfter(response, delay) => {
            stop.sleep(delay) && write_response(stream, &response, keep_alive).is_ok() && keep_alive
        }
        Reply::Truncate(response) => {
            let _ = write_truncated(stream, &response);
            false
        }
        Reply::Drop => false,
    }
}
