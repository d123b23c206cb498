<?php
/**
 * The Status tab's adoption of names this integration did not add.
 *
 * @package WuRunCloud\Plugin
 */

namespace WuRunCloud\Plugin\Admin;

use WuRunCloud\Plugin\Status\Labels;
use WuRunCloud\Plugin\Sync\Adoption;

defined('ABSPATH') || exit;

/**
 * Lists the names Ultimate Multisite maps that the web app holds without this
 * integration's record, and adopts exactly the names the page listed (a
 * fingerprint of them travels with the form), or nothing.
 */
class Adoption_Section implements Section {

	/**
	 * Names the page lists before "and N more".
	 */
	const LISTED = 50;

	/**
	 * @var Adoption
	 */
	private $adoption;

	/**
	 * @param Adoption $adoption Adoption of names this integration did not add.
	 */
	public function __construct(Adoption $adoption) {
		$this->adoption = $adoption;
	}

	/**
	 * "Adopt these names": records the names the page listed as this
	 * integration's, only if they are still what it listed.
	 */
	public function handle_adopt(): void {
		Routes::authorize(Routes::ADOPT_ACTION);
		$candidates = array_keys($this->adoption->candidates());
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked in authorize().
		$listed = sanitize_key(wp_unslash($_POST['listed'] ?? ''));
		if ([] === $candidates || ! hash_equals(self::fingerprint($candidates), $listed)) {
			Routes::back('adopt_changed');
		}
		$this->adoption->adopt($candidates, sprintf('user %d', get_current_user_id()));
		Routes::back('adopted');
	}

	/**
	 * What the page says after the button.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function messages(): array {
		return [
			'adopted'       => ['success', __('The names were adopted: unmapping one now removes it from RunCloud.', 'wu-runcloud')],
			'adopt_changed' => ['warning', __('Nothing was adopted: the names to adopt changed since the page was shown. Check the list below again.', 'wu-runcloud')],
		];
	}

	/**
	 * The names on the web app that this integration did not add, and the
	 * button that adopts them, with what that means.
	 */
	public function render(): void {
		echo '<h2 id="wu-runcloud-adoption">' . esc_html__('Names this integration did not add', 'wu-runcloud') . '</h2>';
		echo '<p>' . esc_html__('A name is removed from RunCloud only when this integration added it: unmapping a name that was on the web app before (added by hand in RunCloud, or by Ultimate Multisite\'s own RunCloud provider before this plugin) leaves it there.', 'wu-runcloud') . '</p>';
		$candidates = array_keys($this->adoption->candidates());
		if (! $this->adoption->view_is_whole()) {
			echo '<p class="description">' . esc_html__('The web app has not been read whole yet (its first reading runs in the background): names not seen yet are not listed.', 'wu-runcloud') . '</p>';
		}
		if ([] === $candidates) {
			echo '<p>' . esc_html__('Every name Ultimate Multisite maps that is on the web app is on record: nothing to adopt.', 'wu-runcloud') . '</p>';
			return;
		}
		$listed = array_slice($candidates, 0, self::LISTED);
		$more   = count($candidates) - count($listed);
		/* translators: %d: number of names */
		echo '<p>' . esc_html(sprintf(_n('%d name that Ultimate Multisite maps now is on the web app without this integration\'s record. Adopt it if this network added it, so that unmapping it removes it from RunCloud too:', '%d names that Ultimate Multisite maps now are on the web app without this integration\'s record. Adopt them if this network added them, so that unmapping one removes it from RunCloud too:', count($candidates), 'wu-runcloud'), count($candidates))) . '</p>';
		echo '<ul class="wu-runcloud-adoptable">';
		foreach ($listed as $name) {
			echo '<li><code>' . esc_html(Labels::domain($name)) . '</code></li>';
		}
		echo '</ul>';
		if ($more > 0) {
			/* translators: %d: number of names not listed */
			echo '<p>' . esc_html(sprintf(_n('and %d more (wp runcloud adopt lists them all).', 'and %d more (wp runcloud adopt lists them all).', $more, 'wu-runcloud'), $more)) . '</p>';
		}
		echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '" id="wu-runcloud-adopt">';
		echo '<input type="hidden" name="action" value="' . esc_attr(Routes::ADOPT_ACTION) . '">';
		echo '<input type="hidden" name="listed" value="' . esc_attr(self::fingerprint($candidates)) . '">';
		wp_nonce_field(Routes::ADOPT_ACTION);
		/* translators: %d: number of names */
		echo '<p><button type="submit" class="button">' . esc_html(sprintf(_n('Adopt %d name', 'Adopt these %d names', count($candidates), 'wu-runcloud'), count($candidates))) . '</button></p></form>';
	}

	/**
	 * What the adoption form listed, so its handler adopts exactly that.
	 *
	 * @param list<string> $names Names.
	 */
	private static function fingerprint(array $names): string {
		return substr(hash('sha256', implode("\n", $names)), 0, 32);
	}
}
