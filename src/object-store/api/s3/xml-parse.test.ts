import { describe, expect, it } from 'vitest';
import { childNamed, childText, childrenNamed, parseXml } from './xml-parse.js';
import { xmlDocument, leaf, xmlEscape } from './xml.js';

const parse = (text: string) => parseXml(Buffer.from(text, 'utf8'));

describe('parseXml', () => {
  it('reads the documents S3 clients send, namespaces and entities included', () => {
    const root = parse(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Quiet>true</Quiet><Object><Key> a &amp; b&#x20;</Key></Object><!-- c --><Object><Key><![CDATA[<x>]]></Key></Object></Delete>',
    );
    expect(root.name).toBe('Delete');
    expect(childText(root, 'Quiet')).toBe('true');
    expect(childrenNamed(root, 'Object').map((o) => childNamed(o, 'Key')?.text)).toEqual([' a & b ', '<x>']);
  });

  it('drops namespace prefixes and reads self-closing elements', () => {
    const root = parse(
      '<s3:CreateBucketConfiguration xmlns:s3="x"><s3:LocationConstraint/></s3:CreateBucketConfiguration>',
    );
    expect(root.name).toBe('CreateBucketConfiguration');
    expect(childText(root, 'LocationConstraint')).toBe('');
  });

  it.each([
    ['', 'empty'],
    ['<a>', 'unterminated'],
    ['<a></b>', 'mismatched'],
    ['<a>x</a><b/>', 'two roots'],
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', 'doctype'],
    ['<a>&unknown;</a>', 'unknown entity'],
    ['<a b=c></a>', 'unquoted attribute'],
    ['<a>&#0;</a>', 'NUL reference'],
  ])('refuses %j (%s) with MalformedXML', (text) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ code: 'MalformedXML' }));
  });

  it('refuses deep nesting and bodies over 1 MiB', () => {
    expect(() => parse('<a>'.repeat(100) + '</a>'.repeat(100))).toThrow(
      expect.objectContaining({ code: 'MalformedXML' }),
    );
    expect(() => parseXml(Buffer.alloc(1024 * 1024 + 1, 0x20))).toThrow(
      expect.objectContaining({ code: 'MalformedXML' }),
    );
  });

  it('round-trips what the builder escapes', () => {
    const key = `a<b>&"c'\r\t\n é 😀`;
    const doc = xmlDocument('R', leaf('Key', key));
    expect(childNamed(parse(doc), 'Key')?.text).toBe(key);
  });

  it('replaces what XML 1.0 cannot carry, even as a reference, by U+FFFD', () => {
    expect(xmlEscape('a\u0001b\u001f\u0000\uFFFE\uD800c')).toBe('a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFDc');
    expect(xmlEscape('\r')).toBe('&#13;');
  });
});
