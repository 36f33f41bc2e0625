import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (or `CHROMIUM_PATH`), headless, as CI runs it: no sandbox as root, no GPU,
 * and no background networking, whose connections a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
