import CLinux
import Glibc

/// Something that owns a file descriptor registered with an event loop.
public protocol EventHandler: AnyObject {
    /// Called on the loop's thread with the epoll event bits that fired.
    func handleEvents(_ events: UInt32)
}

/// One thread's epoll set, its timers and the work other threads hand it.
///
/// Everything registered with a loop is touched only by the loop's thread; other threads
/// reach it through `execute`, which wakes it through an eventfd. `@unchecked Sendable`
/// because `execute` is the only method meant to be called from another thread, and it
/// takes a lock.
public final class EventLoop: @unchecked Sendable {
    /// Readable (`EPOLLIN`).
    public static let readable = EPOLLIN.rawValue
    /// Writable (`EPOLLOUT`).
    public static let writable = EPOLLOUT.rawValue
    /// Edge-triggered (`EPOLLET`).
    public static let edgeTriggered = EPOLLET.rawValue
    /// The peer closed or the socket failed (`EPOLLHUP | EPOLLERR | EPOLLRDHUP`).
    public static let hangUp = EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue

    private let epoll: Int32
    private let wakeFD: Int32
    private var handlers: [Int32: EventHandler] = [:]
    private var timers = TimerQueue()
    private var pending: [@Sendable () -> Void] = []
    private var pendingLock = pthread_mutex_t()
    private var isStopping = false
    private var iterationObservers: [() -> Void] = []

    /// Creates a loop; `run()` it on the thread that will own it.
    public init() throws(SystemCallError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SystemCallError("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw SystemCallError("eventfd") }
        pthread_mutex_init(&pendingLock, nil)
        guard tglinux_epoll_control(epoll, EPOLL_CTL_ADD, wakeFD, Self.readable) == 0 else {
            throw SystemCallError("epoll_ctl")
        }
    }

    deinit {
        close(epoll)
        close(wakeFD)
        pthread_mutex_destroy(&pendingLock)
    }

    /// The current monotonic time in milliseconds.
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Starts watching `fd` for `events`, dispatching them to `handler`.
    public func register(_ fd: Int32, events: UInt32, handler: EventHandler) throws(SystemCallError)
    {
        guard tglinux_epoll_control(epoll, EPOLL_CTL_ADD, fd, events) == 0 else {
            throw SystemCallError("epoll_ctl(ADD)")
        }
        handlers[fd] = handler
    }

    /// Changes the events watched on a registered `fd`.
    public func modify(_ fd: Int32, events: UInt32) {
        _ = tglinux_epoll_control(epoll, EPOLL_CTL_MOD, fd, events)
    }

    /// Stops watching `fd`; the caller still owns and closes it.
    public func unregister(_ fd: Int32) {
        if handlers.removeValue(forKey: fd) != nil {
            _ = tglinux_epoll_control(epoll, EPOLL_CTL_DEL, fd, 0)
        }
    }

    /// Runs `action` on this loop's thread at the monotonic time `deadline` (milliseconds).
    @discardableResult
    public func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> TimerID {
        timers.schedule(at: deadline, action)
    }

    /// Cancels a timer that has not fired yet.
    public func cancel(_ timer: TimerID) {
        timers.cancel(timer)
    }

    /// Runs `observer` at the end of every turn of the loop, after events and timers: where
    /// output gathered during the turn is written in one system call.
    public func addIterationObserver(_ observer: @escaping () -> Void) {
        iterationObservers.append(observer)
    }

    /// Runs `work` on the loop's thread soon; callable from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(&pendingLock)
        pending.append(work)
        pthread_mutex_unlock(&pendingLock)
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Makes `run()` return after the current iteration.
    public func stop() {
        isStopping = true
    }

    /// Waits for events and timers and dispatches them until `stop()`.
    public func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while !isStopping {
            let timeout = timers.millisecondsUntilNext(from: Self.now())
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let fd = withUnsafePointer(to: &events[index]) { tglinux_event_fd($0) }
                let bits = withUnsafePointer(to: &events[index]) { tglinux_event_bits($0) }
                if fd == wakeFD {
                    runPendingWork()
                } else {
                    handlers[fd]?.handleEvents(bits)
                }
            }
            let now = Self.now()
            while let action = timers.popDue(upTo: now) { action() }
            for observer in iterationObservers { observer() }
        }
    }

    private func runPendingWork() {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        pthread_mutex_lock(&pendingLock)
        let work = pending
        pending.removeAll()
        pthread_mutex_unlock(&pendingLock)
        for item in work { item() }
    }
}

/// A failed system call, named, with its errno.
public struct SystemCallError: Error, CustomStringConvertible {
    /// The call that failed.
    public let call: String
    /// The errno it left.
    public let code: Int32

    /// Captures the current errno for `call`.
    public init(_ call: String) {
        self.call = call
        self.code = errno
    }

    /// The call and the system's text for the error.
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
