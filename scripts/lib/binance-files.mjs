/**
 * Writing Binance data.binance.vision archive files: number formats, CSV text, deterministic zips.
 * Formats: ../shared/FORMATS.md §1 (and https://github.com/binance/binance-public-data).
 */
import yauzl from 'yauzl'
import yazl from 'yazl'

/** Round to `places` decimals and print as Binance futures files do: `76988.7`, `76989.0`, `0.2`. */
export function decimal(value, places) {
  const text = value.toFixed(places)
  if (!text.includes('.')) return `${text}.0`
  const trimmed = text.replace(/0+$/, '')
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed
}

/** As `decimal`, but integers lose the point, as in liquidationSnapshot rows (`…,FILLED,6,7`). */
export function bare(value, places) {
  const text = value.toFixed(places)
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text
}

/** Metrics amounts are DECIMAL columns with 16 places: `82795.1230000000000000`. */
export function padded(value, places) {
  return value.toFixed(places) + '0'.repeat(16 - places)
}

/** `2021-05-19 13:25:00`, the metrics `create_time` (UTC). */
export function utcStamp(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

export function utcIso(ms) {
  return new Date(ms).toISOString()
}

/**
 * A zip holding one CSV, byte-identical on every run: a fixed compression level (6, zlib's default:
 * level 9 took 5× as long for 0.2 % less), and a fixed DOS
 * timestamp only. yazl writes DOS times from the local clock fields, so the date is built from
 * local fields (09:00, never inside a daylight-saving gap) and the UTC "UT" extra field is left out;
 * the bytes are then the same in every time zone.
 */
export function zipOne(memberName, text, date) {
  const [year, month, day] = date.split('-').map(Number)
  // Dated the morning after, when Binance publishes a day's files.
  const published = new Date(Date.UTC(year, month - 1, day + 1))
  const zip = new yazl.ZipFile()
  zip.addBuffer(Buffer.from(text, 'utf8'), memberName, {
    mtime: new Date(published.getUTCFullYear(), published.getUTCMonth(), published.getUTCDate(), 9, 0, 0),
    forceDosTimestamp: true,
    mode: 0o100644,
    compressionLevel: 6,
  })
  zip.end()
  return new Promise((resolve, reject) => {
    const chunks = []
    zip.outputStream.on('data', (chunk) => chunks.push(chunk))
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on('error', reject)
  })
}

/** The members of a zip as { name, bytes }, for comparing contents when compressed bytes differ. */
export function unzipAll(buffer) {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      const members = []
      zip.on('error', reject)
      zip.on('end', () => resolve(members))
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError)
          const chunks = []
          stream.on('data', (chunk) => chunks.push(chunk))
          stream.on('error', reject)
          stream.on('end', () => {
            members.push({ name: entry.fileName, bytes: Buffer.concat(chunks) })
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })
}
