/// <reference types="node" />
/**
 * Money in the UI is exact: minor-unit strings are formatted and parsed as
 * strings and bigints, never through floats, for any length, any currency's
 * number of decimals and the Arabic-Indic digits an Arabic keyboard types.
 */
import { describe, expect, it } from 'vitest'
import { seeded } from '../../protocol/test/seeds'
import { Rng } from '../../protocol/test/random'
import { formatMoney, minorDigits, minorToDecimal, parseMoney, permille, sumMinor } from '../src/screens/territory/money'

const digitsOnly = (s: string): string => s.replace(/[^0-9]/g, '')

describe('money (exact minor units)', () => {
  it('knows each currency\'s decimals and formats them exactly', () => {
    expect([minorDigits('EUR'), minorDigits('JPY'), minorDigits('KWD')]).toEqual([2, 0, 3])
    expect(minorToDecimal('5', 2)).toBe('0.05')
    expect(minorToDecimal('12500', 2)).toBe('125.00')
    expect(minorToDecimal('7', 0)).toBe('7')
    expect(formatMoney('12500', 'EUR', 'en')).toBe('€125.00')
    expect(formatMoney('1500', 'JPY', 'en')).toBe('¥1,500')
    // 2^53 + 1 minor units: a float would print …992, the string stays exact.
    expect(digitsOnly(formatMoney('9007199254740993', 'EUR', 'en'))).toBe('9007199254740993')
    expect(() => minorToDecimal('1.5', 2)).toThrow()
    expect(() => minorToDecimal('-1', 2)).toThrow()
  })

  it('parses what a person types, refusing more decimals than the currency has, negatives and words', () => {
    expect(parseMoney('125.5', 'EUR')).toBe('12550')
    expect(parseMoney('1,250.00', 'EUR')).toBe('125000')
    expect(parseMoney('0.05', 'EUR')).toBe('5')
    expect(parseMoney('١٢٥٫٥٠', 'EUR')).toBe('12550')
    expect(parseMoney('300', 'JPY')).toBe('300')
    expect(parseMoney('1.5', 'JPY')).toBeNull()
    expect(parseMoney('1.234', 'EUR')).toBeNull()
    expect(parseMoney('-5', 'EUR')).toBeNull()
    expect(parseMoney('1e3', 'EUR')).toBeNull()
    expect(parseMoney('', 'EUR')).toBeNull()
  })

  it('progress and sums are exact with bigint', () => {
    expect(permille('3333', '10000')).toBe(333)
    expect(permille('20000', '10000')).toBe(1000)
    expect(permille('0', '0')).toBe(0)
    expect(sumMinor(['9007199254740993', '1'])).toBe('9007199254740994')
  })

  seeded('a random amount survives decimal text → parse → format, in every language, exactly', { fixed: [1701, 1702] }, (run) => run.each(({ seed }) => {
    const rng = new Rng(seed)
    for (let i = 0; i < 300; i++) {
      const len = 1 + rng.int(24)
      const minor = BigInt(Array.from({ length: len }, () => String(rng.int(10))).join('')).toString()
      const currency = rng.pick(['EUR', 'USD', 'JPY', 'KWD', 'JOD'])
      const decimal = minorToDecimal(minor, minorDigits(currency))
      expect(parseMoney(decimal, currency)).toBe(minor)
      const lang = rng.pick(['en', 'es', 'ar-u-nu-latn'])
      expect(digitsOnly(formatMoney(minor, currency, lang)).replace(/^0+(?=\d)/, '')).toBe(minor)
    }
  }))
})
