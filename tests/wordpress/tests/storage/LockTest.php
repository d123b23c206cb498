<?php
/**
 * Storage\Lock: the plugin's one database lock.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Storage\Lock;

/**
 * A named lock per type and id, shared by every process on the database:
 * taken once, given back by its process or by the server when the process
 * ends.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class LockTest extends Integration_Test_Case {

	/**
	 * Another process's connection to the database.
	 *
	 * @var \mysqli
	 */
	private $other;

	protected function setUp(): void {
		parent::setUp();
		[$host, $socket] = explode(':', DB_HOST, 2);
		$this->other     = new \mysqli($host, DB_USER, DB_PASSWORD, DB_NAME, 0, $socket);
	}

	protected function tearDown(): void {
		$this->other->close(); // The server releases the locks of a connection that ends.
		parent::tearDown();
	}

	public function test_a_lock_is_keyed_by_type_and_id(): void {
		$lock = new Lock();
		$this->assertSame('1', $this->other_takes(Lock::key(Lock::NAME, 'a.example.com')));

		$this->assertFalse($lock->acquire(Lock::NAME, 'a.example.com'), 'held by another process');
		$this->assertTrue($lock->acquire(Lock::NAME, 'b.example.com'), 'another name');
		$this->assertTrue($lock->acquire(Lock::OPTION, 'a.example.com'), 'another type');
		$lock->release(Lock::NAME, 'b.example.com');
		$lock->release(Lock::OPTION, 'a.example.com');

		$this->assertSame('1', $this->is_free(Lock::key(Lock::NAME, 'b.example.com')), 'given back');
		$this->assertLessThanOrEqual(64, strlen(Lock::key(Lock::RECONCILE_WALK, str_repeat('x', 253))), 'a lock name fits the server\'s limit');
	}

	public function test_a_lock_this_process_holds_is_not_taken_again_deeper_in_the_stack(): void {
		$lock = new Lock();
		$this->assertTrue($lock->acquire(Lock::NAME, 'a.example.com'));
		try {
			$this->assertFalse((new Lock())->acquire(Lock::NAME, 'a.example.com'), 'whichever instance asks');
			$this->assertSame('0', $this->is_free(Lock::key(Lock::NAME, 'a.example.com')));
		} finally {
			$lock->release(Lock::NAME, 'a.example.com');
		}
		$this->assertSame('1', $this->is_free(Lock::key(Lock::NAME, 'a.example.com')), 'one release gives it back');
	}

	public function test_guarded_work_nests_and_holds_the_lock_once(): void {
		$lock = new Lock();
		$key  = Lock::key(Lock::OPTION, 'wu_runcloud_test');
		$seen = $lock->guarded(
			Lock::OPTION,
			'wu_runcloud_test',
			0,
			function () use ($lock, $key) {
				$inner = $lock->guarded(
					Lock::OPTION,
					'wu_runcloud_test',
					0,
					function () use ($key) {
						return $this->is_free($key);
					}
				);
				return [$inner, $this->is_free($key)];
			}
		);

		$this->assertSame(['0', '0'], $seen, 'held through the inner call and after it');
		$this->assertSame('1', $this->is_free($key), 'given back by the outermost');
	}

	public function test_guarded_work_goes_ahead_when_the_lock_stays_taken(): void {
		$this->assertSame('1', $this->other_takes(Lock::key(Lock::OPTION, 'wu_runcloud_test')));

		$ran = (new Lock())->guarded(Lock::OPTION, 'wu_runcloud_test', 1, '__return_true');

		$this->assertTrue($ran, 'a change is not lost to a stuck process');
		$this->assertSame('0', $this->is_free(Lock::key(Lock::OPTION, 'wu_runcloud_test')), 'still the other process\'s');
	}

	/**
	 * The other connection takes a lock: '1' when it got it.
	 *
	 * @param string $key The lock's name.
	 */
	private function other_takes(string $key): string {
		return (string) $this->other->query("SELECT GET_LOCK('" . $this->other->real_escape_string($key) . "', 0)")->fetch_row()[0];
	}

	/**
	 * Whether a lock is free, as another connection sees it: '1' or '0'.
	 *
	 * @param string $key The lock's name.
	 */
	private function is_free(string $key): string {
		return (string) $this->other->query("SELECT IS_FREE_LOCK('" . $this->other->real_escape_string($key) . "')")->fetch_row()[0];
	}
}
