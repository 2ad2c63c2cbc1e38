/**
 * The HTML daily report opened in a real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; no browser download): the charts render — SVG with data marks that have a size
 * on screen —, the console stays clean, nothing is fetched from anywhere, and a screenshot is saved
 * to test/.tmp/. Without Chromium the test is skipped with a message, except in CI (CI set), where
 * a missing browser fails the suite instead of silently skipping it.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
const inCI = Boolean(process.env.CI)
const OUT = join(ROOT, 'test/.tmp/report-browser')

if (!haveChromium && !inCI) {
  console.warn(
    `skipping the browser test of the HTML report: ${CHROMIUM} is missing (apt-get install chromium)`,
  )
}

describe('the HTML report in Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium) return
    ensureBuilt()
    rmSync(OUT, { recursive: true, force: true })
    mkdirSync(OUT, { recursive: true })
    const run = await cascade([
      'report',
      '--date',
      '2021-05-19',
      'fixtures/scenarios/2021-05-19/',
      '--out',
      OUT,
      '--quiet',
    ])
    expect(run.code).toBe(0)
  })

  it.runIf(!haveChromium && inCI)('Chromium is installed in CI', () => {
    throw new Error(`${CHROMIUM} is missing in CI: .ci/run installs it (apt-get install chromium)`)
  })

  it.skipIf(!haveChromium)(
    'renders the charts with data marks, no console errors and no network requests',
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      })
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } })
        const problems: string[] = []
        const requests: string[] = []
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning')
            problems.push(`${message.type()}: ${message.text()}`)
        })
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
        page.on('request', (request) => requests.push(request.url()))
        const url = pathToFileURL(join(OUT, '2021-05-19.html')).href
        await page.goto(url, { waitUntil: 'load' })

        expect(await page.title()).toBe('cascade daily report 2021-05-19 (UTC)')
        const figure = page.locator('section#BTC figure svg')
        expect(await figure.count()).toBe(1)
        const box = (await figure.boundingBox())!
        expect(box.width).toBeGreaterThan(600)
        expect(box.height).toBeGreaterThan(400)
        // Data marks drawn with a size on screen: price line and OI line, price band and the two
        // liquidation areas, the two cascade windows shaded in each of the three panels.
        const sizes = (kind: string) =>
          page.locator(`section#BTC svg path[aria-roledescription="${kind} mark"]`).evaluateAll((paths) =>
            paths.map((path) => {
              const b = (path as SVGGraphicsElement).getBBox()
              return b.width * Math.max(b.height, 1)
            }),
          )
        const lines = await sizes('line')
        const areas = await sizes('area')
        const rects = await sizes('rect')
        expect(lines).toHaveLength(2)
        expect(areas).toHaveLength(3)
        expect(rects).toHaveLength(6)
        for (const size of [...lines, ...areas, ...rects]) expect(size).toBeGreaterThan(0)
        const labels = await page.locator('section#BTC svg text').allTextContents()
        expect(labels).toEqual(
          expect.arrayContaining(['#1 -28.89%', '#2 +28.42%', '12:00', 'time (UTC), 2021-05-19']),
        )
        // The tables carry the same figures.
        expect(await page.locator('section#BTC table tr').count()).toBe(1 + 2 + 1 + 24)

        expect(problems).toEqual([])
        expect(requests).toEqual([url])
        await page.screenshot({ path: join(OUT, 'report-2021-05-19.png'), fullPage: true })
        expect(existsSync(join(OUT, 'report-2021-05-19.png'))).toBe(true)
      } finally {
        await browser.close()
      }
    },
  )
})
