//! A request and its small body leave in one write.
//!
//! ureq transmits a request's head and then its body, two writes for every
//! POST and PUT; PHP's curl sends a small request in one. Each write is a
//! system call and, over loopback or a busy network, a segment of its own.
//! This layer, outermost in the agent's connector chain (so above TLS, where
//! it saves a record too), holds back a head that announces a body fitting the
//! same buffer; the first body write then transmits both at once.
//!
//! It also hands the transport below timeouts in whole seconds: ureq passes
//! the time left, different for every read and write, and the TCP transport
//! sets the socket's timeout (a system call) whenever it changes; in whole
//! seconds it stays the same from one request to the next. A read or write
//! may so time out up to a second early, never late.
//!
//! And it probes a kept connection once per reuse instead of twice. ureq's
//! pool probes (three system calls) when a response ends and the connection
//! goes back to the pool, and again when it is taken out for the next
//! request. The second probe alone sees all the first would (bytes the server
//! sent after the response, a connection it closed) and more, so the first is
//! answered without one.
//!
//! Built on ureq's `unversioned` transport API, which Cargo.lock pins.

use std::fmt;
use std::time::Duration as StdDuration;

use ureq::unversioned::transport::time::Duration;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use ureq::Error;

/// Wraps whatever transport the chain made (TCP, or TLS over TCP).
#[derive(Debug, Default)]
pub(crate) struct OneWriteRequests;

impl<In: Transport> Connector<In> for OneWriteRequests {
    type Out = OneWrite<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        Ok(chained.map(OneWrite::new))
    }
}

/// A transport that may hold a request head back until its body is written.
pub(crate) struct OneWrite<T> {
    inner: T,
    /// A head announcing a body, not sent yet.
    held: Vec<u8>,
    /// Body bytes the last head announced and that have not been written yet.
    body_left: usize,
    /// Input arrived since the last probe: the next `is_open` is the pool's
    /// check as the response ends, which the probe at the next reuse covers.
    read_since_probe: bool,
}

impl<T: Transport> OneWrite<T> {
    fn new(inner: T) -> Self {
        OneWrite {
            inner,
            held: Vec::new(),
            body_left: 0,
            read_since_probe: false,
        }
    }

    /// Puts the held head in front of the `amount` body bytes in the output
    /// buffer (room was checked when it was held); the bytes to transmit.
    fn prepend_held(&mut self, amount: usize) -> usize {
        let head = std::mem::take(&mut self.held);
        let output = self.inner.buffers().output();
        output.copy_within(..amount, head.len());
        output[..head.len()].copy_from_slice(&head);
        head.len() + amount
    }
}

impl<T: Transport> OneWrite<T> {
    /// Sends `head` by itself, keeping the `keep` bytes at the start of the
    /// output buffer (a body chunk ureq has written there) as they were.
    fn send_alone(&mut self, head: &[u8], keep: usize, timeout: NextTimeout) -> Result<(), Error> {
        let kept = self.inner.buffers().output()[..keep].to_vec();
        self.inner.buffers().output()[..head.len()].copy_from_slice(head);
        self.inner.transmit_output(head.len(), timeout)?;
        self.inner.buffers().output()[..keep].copy_from_slice(&kept);
        Ok(())
    }
}

impl<T> fmt::Debug for OneWrite<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneWrite")
            .field("held", &self.held.len())
            .field("body_left", &self.body_left)
            .finish()
    }
}

impl<T: Transport> Transport for OneWrite<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = whole_seconds(timeout);
        if self.body_left > 0 {
            // Body bytes: a held head goes out with the first of them.
            self.body_left = self.body_left.saturating_sub(amount);
            if self.held.is_empty() {
                return self.inner.transmit_output(amount, timeout);
            }
            if self.held.len() + amount > self.inner.buffers().output().len() {
                // More body than announced: ureq refuses it; send in order anyway.
                let head = std::mem::take(&mut self.held);
                self.send_alone(&head, amount, timeout)?;
                return self.inner.transmit_output(amount, timeout);
            }
            let total = self.prepend_held(amount);
            return self.inner.transmit_output(total, timeout);
        }
        let output = self.inner.buffers().output();
        let capacity = output.len();
        self.body_left = announced_body(&output[..amount]).unwrap_or(0);
        if self.body_left > 0 && amount + self.body_left <= capacity {
            self.held = output[..amount].to_vec();
            return Ok(());
        }
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = whole_seconds(timeout);
        // A request always ends with a body write; this only guards against a
        // caller that reads before the announced body: the head goes alone.
        if !self.held.is_empty() {
            let head = std::mem::take(&mut self.held);
            self.send_alone(&head, 0, timeout)?;
        }
        self.body_left = 0;
        self.read_since_probe = true;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        if std::mem::take(&mut self.read_since_probe) {
            return true;
        }
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// `timeout` with its time left rounded down to whole seconds, from two
/// seconds up (below that, exact, so nothing times out at once).
fn whole_seconds(mut timeout: NextTimeout) -> NextTimeout {
    if timeout.after.is_not_happening() {
        return timeout;
    }
    let seconds = timeout.after.as_secs();
    if seconds >= 2 {
        timeout.after = Duration::from(StdDuration::from_secs(seconds));
    }
    timeout
}

/// The body length a complete request head announces with `Content-Length`;
/// `None` for anything else (a head without a body, a chunked body, or bytes
/// that are not a whole head).
fn announced_body(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?;
    let method = request_line.split(' ').next()?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::LazyBuffers;
    use ureq::Timeout;

    /// Records every write and probe; reads nothing.
    #[derive(Debug)]
    struct Recorder {
        buffers: LazyBuffers,
        writes: Vec<Vec<u8>>,
        probes: usize,
    }

    impl Transport for Recorder {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), Error> {
            self.writes.push(self.buffers.output()[..amount].to_vec());
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            self.probes += 1;
            true
        }
    }

    fn transport(output_size: usize) -> OneWrite<Recorder> {
        OneWrite::new(Recorder {
            buffers: LazyBuffers::new(1024, output_size),
            writes: Vec::new(),
            probes: 0,
        })
    }

    fn timeout() -> NextTimeout {
        NextTimeout {
            after: Duration::from(StdDuration::from_secs(5)),
            reason: Timeout::Global,
            per_read: None,
            per_write: None,
        }
    }

    /// Writes `bytes` into the output buffer and transmits them, as ureq does.
    fn write(t: &mut OneWrite<Recorder>, bytes: &[u8]) {
        t.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        t.transmit_output(bytes.len(), timeout()).unwrap();
    }

    const POST: &[u8] = b"POST /api/v3/domains HTTP/1.1\r\nhost: x\r\nContent-Length: 17\r\n\r\n";
    const BODY: &[u8] = b"{\"name\":\"a.test\"}";

    #[test]
    fn a_request_with_a_small_body_is_one_write() {
        let mut t = transport(16 * 1024);
        write(&mut t, POST);
        assert!(t.inner.writes.is_empty(), "the head waits for its body");
        write(&mut t, BODY);
        assert_eq!(t.inner.writes, vec![[POST, BODY].concat()]);
    }

    #[test]
    fn a_request_without_a_body_goes_at_once() {
        let mut t = transport(16 * 1024);
        let get = b"GET /api/v3/ping HTTP/1.1\r\nhost: x\r\n\r\n";
        write(&mut t, get);
        assert_eq!(t.inner.writes, vec![get.to_vec()]);
        let empty = b"DELETE /d/1 HTTP/1.1\r\ncontent-length: 0\r\n\r\n";
        write(&mut t, empty);
        assert_eq!(t.inner.writes.len(), 2);
    }

    #[test]
    fn a_body_that_does_not_fit_behind_the_head_follows_it() {
        let mut t = transport(POST.len() + BODY.len() - 1);
        write(&mut t, POST);
        write(&mut t, BODY);
        assert_eq!(t.inner.writes, vec![POST.to_vec(), BODY.to_vec()]);
    }

    #[test]
    fn a_body_that_looks_like_a_head_is_sent_as_body() {
        let lookalike = b"PUT / HTTP/1.1\r\ncontent-length: 9\r\n\r\n";
        let head = format!(
            "POST /x HTTP/1.1\r\ncontent-length: {}\r\n\r\n",
            lookalike.len()
        );
        let mut t = transport(16 * 1024);
        write(&mut t, head.as_bytes());
        write(&mut t, lookalike);
        assert_eq!(t.inner.writes, vec![[head.as_bytes(), lookalike].concat()]);
        let get = b"GET /next HTTP/1.1\r\n\r\n";
        write(&mut t, get);
        assert_eq!(
            t.inner.writes[1],
            get.to_vec(),
            "the next request goes at once"
        );
    }

    #[test]
    fn a_read_before_the_body_sends_the_head_first() {
        let mut t = transport(16 * 1024);
        write(&mut t, POST);
        t.await_input(timeout()).unwrap();
        assert_eq!(t.inner.writes, vec![POST.to_vec()]);
        let get = b"GET /next HTTP/1.1\r\n\r\n";
        write(&mut t, get);
        assert_eq!(t.inner.writes[1], get.to_vec());
    }

    #[test]
    fn a_kept_connection_is_probed_once_per_reuse() {
        let mut t = transport(16 * 1024);
        assert!(t.is_open());
        assert_eq!(
            t.inner.probes, 1,
            "a connection taken from the pool is probed"
        );
        write(&mut t, b"GET / HTTP/1.1\r\n\r\n");
        t.await_input(timeout()).unwrap();
        assert!(t.is_open());
        assert_eq!(t.inner.probes, 1, "not again as the response ends");
        assert!(t.is_open());
        assert_eq!(t.inner.probes, 2, "but at the next reuse");
    }

    #[test]
    fn timeouts_go_down_in_whole_seconds_from_two_up() {
        let left = |millis: u64| NextTimeout {
            after: Duration::from(StdDuration::from_millis(millis)),
            ..timeout()
        };
        let after = |t: NextTimeout| *t.after;
        assert_eq!(
            after(whole_seconds(left(29_999))),
            StdDuration::from_secs(29)
        );
        assert_eq!(
            after(whole_seconds(left(29_001))),
            StdDuration::from_secs(29),
            "the same from one request to the next"
        );
        assert_eq!(after(whole_seconds(left(2_000))), StdDuration::from_secs(2));
        assert_eq!(
            after(whole_seconds(left(1_999))),
            StdDuration::from_millis(1_999),
            "never cut to nothing"
        );
        let never = NextTimeout {
            after: Duration::NotHappening,
            ..timeout()
        };
        assert!(whole_seconds(never).after.is_not_happening());
    }

    #[test]
    fn only_a_whole_head_with_a_length_announces_a_body() {
        assert_eq!(announced_body(POST), Some(17));
        assert_eq!(announced_body(&POST[..POST.len() - 2]), None, "not whole");
        assert_eq!(
            announced_body(b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"),
            None
        );
        assert_eq!(
            announced_body(b"{\"a\":1}\r\n\r\n"),
            None,
            "not a request line"
        );
        assert_eq!(
            announced_body(b"PUT / HTTP/1.1\r\nCONTENT-LENGTH:  5 \r\n\r\n"),
            Some(5)
        );
    }
}
