import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicy, resourceArn } from './policy.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('bucket policies', () => {
  const policy = parsePolicy(
    doc([
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' },
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::p2:user/u2'] },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b/*',
      },
      {
        Effect: 'Deny',
        Principal: { AWS: 'p3' },
        Action: ['s3:Get*'],
        Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      },
    ]),
    'b',
  );

  it('allows, denies and stays silent by principal, action and resource', () => {
    expect(evaluatePolicy(policy, undefined, 's3:GetObject', resourceArn('b', 'public/x'))).toBe('allow');
    expect(evaluatePolicy(policy, undefined, 's3:GetObject', resourceArn('b', 'private/x'))).toBe('none');
    expect(evaluatePolicy(policy, undefined, 's3:PutObject', resourceArn('b', 'public/x'))).toBe('none');
    expect(
      evaluatePolicy(policy, { projectId: 'p2', userId: 'u2' }, 's3:PutObject', resourceArn('b', 'k')),
    ).toBe('allow');
    expect(
      evaluatePolicy(policy, { projectId: 'p2', userId: 'other' }, 's3:PutObject', resourceArn('b', 'k')),
    ).toBe('none');
    expect(
      evaluatePolicy(policy, { projectId: 'p3', userId: 'u' }, 's3:GetObject', resourceArn('b', 'public/x')),
    ).toBe('deny');
  });

  it('refuses malformed documents and resources of other buckets', () => {
    expect(() => parsePolicy('{', 'b')).toThrow(expect.objectContaining({ code: 'MalformedPolicy' }));
    expect(() => parsePolicy(doc([]), 'b')).toThrow(expect.objectContaining({ code: 'MalformedPolicy' }));
    const other = doc([
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' },
    ]);
    expect(() => parsePolicy(other, 'b')).toThrow(expect.objectContaining({ code: 'MalformedPolicy' }));
  });

  it('refuses what it would only half honour', () => {
    const conditional = doc([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        NotPrincipal: { AWS: 'p2' },
      },
    ]);
    expect(() => parsePolicy(conditional, 'b')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
    const emptyCondition = doc([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { IpAddress: {} },
      },
    ]);
    expect(() => parsePolicy(emptyCondition, 'b')).toThrow(
      expect.objectContaining({ code: 'MalformedPolicy' }),
    );
  });

  it('takes CanonicalUser principals as project ids, alone or beside AWS ones', () => {
    const both = parsePolicy(
      doc([
        {
          Effect: 'Allow',
          Principal: { CanonicalUser: 'p4', AWS: 'arn:aws:iam::p5:root' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::b/*',
        },
      ]),
      'b',
    );
    const get = (projectId: string) =>
      evaluatePolicy(both, { projectId, userId: 'u' }, 's3:GetObject', resourceArn('b', 'k'));
    expect([get('p4'), get('p5'), get('p6')]).toEqual(['allow', 'allow', 'none']);
    const star = doc([
      {
        Effect: 'Allow',
        Principal: { CanonicalUser: '*' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
      },
    ]);
    expect(() => parsePolicy(star, 'b')).toThrow(expect.objectContaining({ code: 'MalformedPolicy' }));
    const service = doc([
      { Effect: 'Allow', Principal: { Service: 'x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    ]);
    expect(() => parsePolicy(service, 'b')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
  });
});
