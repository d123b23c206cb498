<?php
/**
 * Tools > Site Health: the Info tab's RunCloud section and the given-up test.
 *
 * @package WuRunCloud\Tests
 */

namespace WuRunCloud\Tests;

/**
 * "Copy site info to clipboard" carries the RunCloud state (extension and API
 * version, the constants set by name, never a value, counts per state, what
 * waits and what was given up) without asking RunCloud; given-up work is a
 * Site Health test with the reason in words.
 *
 * @group um
 */
#[\PHPUnit\Framework\Attributes\Group('um')]
final class SiteHealthInfoTest extends Integration_Test_Case {

	public function test_the_info_tab_has_a_runcloud_section_without_secrets(): void {
		$this->map_domain('live.example.com', 2);
		$this->run_domain_events();
		$this->sim->fault(['kind' => 'status', 'status' => 503, 'method' => 'POST']);
		$this->map_domain('later.example.com', 2);
		$this->run_domain_events();
		$this->sim->reset_requests();

		$info = apply_filters('debug_information', []);

		$this->assertSame([], $this->sim->request_lines(), 'the Info tab asks RunCloud nothing');
		$this->assertArrayHasKey('wu-runcloud', $info);
		$fields = $info['wu-runcloud']['fields'];
		$this->assertSame('0.1.0', $fields['extension']['value']);
		$this->assertSame('WU_RUNCLOUD_API_TOKEN, WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID, WU_RUNCLOUD_API_URL', $fields['constants']['value']);
		$this->assertSame(1, $fields['pending']['debug']);
		$this->assertSame(2, $fields['names_waiting']['debug'], 'later.example.com waits for a retry, live.example.com for its certificate');
		$this->assertSame(0, $fields['given_up']['debug']);
		$this->assertArrayHasKey('names_live', $fields);
		$flat = wp_json_encode($info);
		foreach (['test-token', 'test-key', 'test-secret'] as $canary) {
			$this->assertStringNotContainsString($canary, (string) $flat);
		}
	}

	public function test_given_up_work_is_a_site_health_finding_in_words(): void {
		$tests = apply_filters('site_status_tests', ['direct' => [], 'async' => []]);
		$this->assertArrayHasKey('wu_runcloud_given_up', $tests['direct']);
		$test = $tests['direct']['wu_runcloud_given_up']['test'];
		$this->assertSame('good', call_user_func($test)['status']);

		$this->sim->fault(['kind' => 'status', 'status' => 422, 'method' => 'POST', 'message' => 'The name has already been taken.']);
		$this->map_domain('taken.example.com', 3);
		$this->run_domain_events();

		$result = call_user_func($test);
		$this->assertSame('critical', $result['status']);
		$this->assertSame('1 RunCloud operation was given up', $result['label']);
		$this->assertStringContainsString('Add the domain taken.example.com: RunCloud answered HTTP 422, &quot;The name has already been taken.&quot;: RunCloud refused the name', $result['description']);
		$this->assertStringNotContainsString('Exception', $result['description']);
	}
}
