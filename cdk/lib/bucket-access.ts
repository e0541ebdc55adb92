import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeNag, nagArn } from './nag.js';

/** Object key patterns (relative to the bucket, `*` allowed) that a role may use. */
export interface BucketAccess {
  /** Patterns readable with GetObject (and HeadObject). @default none */
  readonly read?: readonly string[];
  /** Patterns writable with PutObject. @default none */
  readonly write?: readonly string[];
  /** Patterns deletable with DeleteObject. @default none */
  readonly delete?: readonly string[];
  /**
   * Whether the role may list the bucket. Besides listings, S3 needs this to return 404
   * rather than 403 for a missing key.
   * @default false
   */
  readonly list?: boolean;
}

/**
 * Grants exactly the listed object actions on exactly the listed key patterns, instead of
 * the wider `s3:GetObject*`/`s3:List*` sets that `bucket.grantRead` adds.
 */
export function grantBucketAccess(role: iam.IRole, bucket: s3.IBucket, access: BucketAccess): void {
  const statements: Array<[string, readonly string[] | undefined]> = [
    ['s3:GetObject', access.read],
    ['s3:PutObject', access.write],
    ['s3:DeleteObject', access.delete],
  ];
  for (const [action, patterns] of statements) {
    if (patterns && patterns.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [action],
          resources: patterns.map((pattern) => bucket.arnForObjects(pattern)),
        }),
      );
      acknowledgePrefixWildcards(role, bucket, patterns);
    }
  }
  if (access.list) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
}

function acknowledgePrefixWildcards(
  role: iam.IRole,
  bucket: s3.IBucket,
  patterns: readonly string[],
): void {
  for (const pattern of patterns.filter((p) => p.includes('*'))) {
    acknowledgeNag(
      role,
      `AwsSolutions-IAM5[Resource::${nagArn(bucket)}/${pattern}]`,
      `The keys under ${pattern.replace('*', '')} are created at run time (one per image, vector, ` +
        'run or model), so the grant names the prefix; it allows one action on one prefix of one bucket.',
    );
  }
}
