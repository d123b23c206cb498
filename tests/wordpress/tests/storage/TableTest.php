<?php
/**
 * Storage\Table: the plugin's tables and their schema versions.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

use WuRunCloud\Plugin\Plugin;
use WuRunCloud\Plugin\Storage\Table;
use WuRunCloud\Plugin\Sync\App_Domains;

/**
 * Each table declares its schema and a version; the version the database
 * holds is kept, and a table whose stored version is older is brought to its
 * schema on its first use in a process (an update of the plugin runs no
 * activation), its rows kept.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class TableTest extends Integration_Test_Case {

	/**
	 * A new process records a domain in the view and reads it back.
	 */
	private const USE_THE_VIEW = <<<'PHP'
		$app = \WuRunCloud\Plugin\Plugin::instance()->fleet()->primary()->app;
		$app->record(['id' => 8, 'name' => 'new.example.com', 'www' => false, 'wildcard' => true]);
		echo json_encode([$app->get('kept.example.com'), $app->get('new.example.com')]), "\n";
PHP;

	protected function tearDown(): void {
		App_Domains::table()->install();
		parent::tearDown();
	}

	public function test_a_table_whose_stored_version_is_older_is_upgraded_on_first_use(): void {
		Plugin::instance()->fleet()->primary()->app->record(['id' => 7, 'name' => 'kept.example.com', 'www' => true, 'wildcard' => false]);
		// As after an update of the plugin whose schema added a column.
		$this->drop_column('wildcard');
		$this->store_version(App_Domains::TABLE, App_Domains::SCHEMA_VERSION - 1);

		$run = WordPress_Process::run(self::USE_THE_VIEW);

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertContains('wildcard', $this->columns(), 'the column is back');
		$this->assertSame(
			[['name' => 'kept.example.com', 'id' => 7, 'www' => true, 'wildcard' => false], ['name' => 'new.example.com', 'id' => 8, 'www' => false, 'wildcard' => true]],
			$run['result'],
			'the rows kept'
		);
		$this->assertSame(App_Domains::SCHEMA_VERSION, $this->stored_versions()[ App_Domains::TABLE ]);
	}

	public function test_a_table_whose_stored_version_is_current_is_left_alone(): void {
		$this->drop_column('generation');

		$run = WordPress_Process::run('echo json_encode(\WuRunCloud\Plugin\Plugin::instance()->fleet()->primary()->app->page(0, 10)), "\n";');

		$this->assertSame(0, $run['status'], $run['output'] . $run['errors']);
		$this->assertSame(['network.test'], array_column($run['result']['domains'], 'name'), 'the table read');
		$this->assertNotContains('generation', $this->columns(), 'no schema change without a newer version');
	}

	public function test_installing_a_table_as_its_schema_declares_it_changes_nothing(): void {
		$changes = $this->statements_of(
			'/^\s*(CREATE|ALTER|DROP)\b/i',
			static function () {
				foreach (Plugin::tables() as $table) {
					$table->install();
				}
			}
		);

		$this->assertSame([], $changes, 'each table already matches its schema');
		foreach (Plugin::tables() as $table) {
			$this->assertArrayHasKey(substr($table->name(), strlen($GLOBALS['wpdb']->base_prefix)), $this->stored_versions());
		}
	}

	/**
	 * @param string $column A column of the view's table.
	 */
	private function drop_column(string $column): void {
		global $wpdb;
		$wpdb->query('ALTER TABLE `' . App_Domains::table()->name() . '` DROP COLUMN ' . $column); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * @return list<string> The view table's columns.
	 */
	private function columns(): array {
		global $wpdb;
		return $wpdb->get_col('SHOW COLUMNS FROM `' . App_Domains::table()->name() . '`'); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery
	}

	/**
	 * @param string $table   A table's name after the base prefix.
	 * @param int    $version The version to store.
	 */
	private function store_version(string $table, int $version): void {
		update_network_option(get_main_network_id(), Table::VERSIONS, [$table => $version] + $this->stored_versions());
	}

	/**
	 * @return array<string, int> The stored versions, as another process reads them.
	 */
	private function stored_versions(): array {
		wp_cache_flush();
		return (array) get_network_option(get_main_network_id(), Table::VERSIONS, []);
	}
}
