// UsageTimestamp's own page (schemas/wwan/element-usagetimestamp.md): "Month and day are required", and the element
// "must not be included if none of" Usage, UsagePercentage, UsageOverage, UsageOveragePercentage is. Both are
// warnings (docs/validation.md): Format is xs:string and the element is optional, so the document stays valid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDocument, type CarrierProvisioning, validateDocument } from '../src/index.ts';
import { missingTimestampDateParts } from '../src/rules/message-rules.ts';
import { fullModel } from './helpers/samples.ts';

type Fields = Record<string, unknown> & { UsageTimestamp?: { Format: string; Group: number } };

const AT = '/CarrierProvisioning/MBNProfiles/Messages/Message[1]/Fields/UsageTimestamp';

/** The sample document with the first message rule's Fields changed by `edit`. */
function withFields(edit: (fields: Fields) => void): CarrierProvisioning {
  const m = fullModel();
  const message = m.MBNProfiles?.Messages?.Message[0] as unknown as { Fields: Fields };
  edit(message.Fields);
  return m;
}

const findings = (m: CarrierProvisioning, code: string) => {
  const result = validateDocument(buildDocument(m));
  assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
  return result.diagnostics.filter((d) => d.code === code).map((d) => [d.severity, d.path, d.message]);
};

describe('UsageTimestamp Format: month and day are required', () => {
  it('names the missing parts; %#m and %#d count, %% escapes', () => {
    assert.deepEqual(missingTimestampDateParts('%m/%d/%Y %H:%M'), []);
    assert.deepEqual(missingTimestampDateParts('%#m/%#d'), []);
    assert.deepEqual(missingTimestampDateParts('%H:%M'), ['month', 'day']);
    assert.deepEqual(missingTimestampDateParts('%d.%Y'), ['month']);
    assert.deepEqual(missingTimestampDateParts('%m/%Y'), ['day']);
    // "%%m" is a literal "%m", not a month.
    assert.deepEqual(missingTimestampDateParts('%%m %d'), ['month']);
  });

  it("the notification page's own example %I:%M%p on %d %b has a month (%b, warned about as an identifier only)", () => {
    assert.deepEqual(missingTimestampDateParts('%I:%M%p on %d %b'), []);
    const m = withFields((f) => {
      (f.UsageTimestamp as { Format: string }).Format = '%I:%M%p on %d %b';
    });
    assert.deepEqual(findings(m, 'MBPROV_SMS_TIMESTAMP_NO_MONTH_DAY'), []);
    assert.equal(findings(m, 'MBPROV_SMS_TIMESTAMP_FORMAT').length, 1);
  });

  it('a time-only Format is a warning at the UsageTimestamp field', () => {
    const m = withFields((f) => {
      (f.UsageTimestamp as { Format: string }).Format = '%H:%M';
    });
    const found = findings(m, 'MBPROV_SMS_TIMESTAMP_NO_MONTH_DAY');
    assert.equal(found.length, 1);
    const [severity, path, message] = found[0] as string[];
    assert.equal(severity, 'warning');
    assert.equal(path, AT);
    assert.match(message as string, /no month or day identifier/);
  });

  it('a complete Format has no finding', () => {
    assert.deepEqual(findings(fullModel(), 'MBPROV_SMS_TIMESTAMP_NO_MONTH_DAY'), []);
  });
});

describe('UsageTimestamp without any Usage* field', () => {
  it('is a warning at the UsageTimestamp field', () => {
    const m = withFields((f) => {
      delete f.Usage;
    });
    const found = findings(m, 'MBPROV_SMS_TIMESTAMP_WITHOUT_USAGE');
    assert.deepEqual(
      found.map(([severity, path]) => [severity, path]),
      [['warning', AT]],
    );
  });

  it('any one Usage* field is enough', () => {
    for (const field of ['Usage', 'UsagePercentage', 'UsageOverage', 'UsageOveragePercentage']) {
      const m = withFields((f) => {
        delete f.Usage;
        f[field] = { Group: 1 };
      });
      assert.deepEqual(findings(m, 'MBPROV_SMS_TIMESTAMP_WITHOUT_USAGE'), [], field);
    }
  });
});
