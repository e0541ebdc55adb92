import { describe, expect, it } from 'vitest';
import {
  type IntrinsicResolver,
  referencedLogicalId,
  resolveIntrinsics,
} from './cloudformation.js';

const resolver: IntrinsicResolver = {
  ref: (logicalId) => (logicalId === 'AWS::Region' ? 'us-east-1' : `ref:${logicalId}`),
  getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
};

describe('resolveIntrinsics', () => {
  it('joins resolved parts', () => {
    const value = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Region' }, ':', { 'Fn::GetAtt': ['Fn', 'Arn'] }]],
    };

    expect(resolveIntrinsics(value, resolver)).toBe('arn:us-east-1:Fn.Arn');
  });

  it('substitutes references in Fn::Sub', () => {
    const value = { 'Fn::Sub': ['${Bucket}/${Api.RootResourceId}/${Name}', { Name: 'x' }] };

    expect(resolveIntrinsics(value, resolver)).toBe('ref:Bucket/Api.RootResourceId/x');
  });

  it('selects from a split string', () => {
    const value = { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] };

    expect(resolveIntrinsics(value, resolver)).toBe('b');
  });

  it('resolves nested objects and arrays', () => {
    const value = { list: [{ Ref: 'A' }], nested: { key: { 'Fn::GetAtt': 'B.Arn' } } };

    expect(resolveIntrinsics(value, resolver)).toEqual({
      list: ['ref:A'],
      nested: { key: 'B.Arn' },
    });
  });

  it('rejects an unknown function', () => {
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'x' }, resolver)).toThrow(
      /Fn::ImportValue/,
    );
  });
});

describe('referencedLogicalId', () => {
  it('reads Ref and both Fn::GetAtt forms', () => {
    expect(referencedLogicalId({ Ref: 'A' })).toBe('A');
    expect(referencedLogicalId({ 'Fn::GetAtt': ['B', 'Arn'] })).toBe('B');
    expect(referencedLogicalId({ 'Fn::GetAtt': 'C.Arn' })).toBe('C');
    expect(referencedLogicalId('plain')).toBeUndefined();
  });
});
