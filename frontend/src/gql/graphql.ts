/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Arbitrary JSON (audit event details). */
  JSON: { input: unknown; output: unknown; }
  Time: { input: string; output: string; }
};

/** Who sees a board: everyone, or anyone in one of the groups, departments or regions. */
export type Audience = {
  __typename?: 'Audience';
  departments: Array<Scalars['String']['output']>;
  everyone: Scalars['Boolean']['output'];
  groups: Array<Scalars['String']['output']>;
  regions: Array<Scalars['String']['output']>;
};

export type AudienceInput = {
  departments?: InputMaybe<Array<Scalars['String']['input']>>;
  everyone: Scalars['Boolean']['input'];
  groups?: InputMaybe<Array<Scalars['String']['input']>>;
  regions?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type AuditBrokenEvent = {
  __typename?: 'AuditBrokenEvent';
  eventId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
};

export type AuditCheckpoint = {
  __typename?: 'AuditCheckpoint';
  headHash: Scalars['String']['output'];
  publicKey: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
  signature: Scalars['String']['output'];
  signedAt: Scalars['Time']['output'];
};

export type AuditEvent = {
  __typename?: 'AuditEvent';
  action: Scalars['String']['output'];
  actor: Maybe<User>;
  actorEmail: Scalars['String']['output'];
  details: Scalars['JSON']['output'];
  /** Hex SHA-256 chain hash; null until sealed. */
  hash: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  ip: Scalars['String']['output'];
  occurredAt: Scalars['Time']['output'];
  requestId: Scalars['String']['output'];
  /** Chain position; null until sealed (about a second). */
  seq: Maybe<Scalars['Int']['output']>;
  subjectId: Scalars['String']['output'];
  subjectType: Scalars['String']['output'];
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

export type AuditFilter = {
  action?: InputMaybe<Scalars['String']['input']>;
  actorId?: InputMaybe<Scalars['ID']['input']>;
  subjectId?: InputMaybe<Scalars['String']['input']>;
  subjectType?: InputMaybe<Scalars['String']['input']>;
};

export type AuditVerification = {
  __typename?: 'AuditVerification';
  checkpoint: Maybe<AuditCheckpoint>;
  /** Whether the latest checkpoint was signed with this service's audit signing key. */
  checkpointTrusted: Scalars['Boolean']['output'];
  checkpointValid: Scalars['Boolean']['output'];
  firstBroken: Maybe<AuditBrokenEvent>;
  headHash: Maybe<Scalars['String']['output']>;
  headSeq: Scalars['Int']['output'];
  /** True when every sealed event verifies and the latest checkpoint is valid and signed by this service's key. */
  ok: Scalars['Boolean']['output'];
  unsealed: Scalars['Int']['output'];
  verified: Scalars['Int']['output'];
};

/** A curated collection of approved posts. */
export type Board = Node & {
  __typename?: 'Board';
  archivedAt: Maybe<Scalars['Time']['output']>;
  audience: Audience;
  coverUrl: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  curators: Array<User>;
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The board's posts, pinned first, then in the curators' order. */
  items: FeedConnection;
  name: Scalars['String']['output'];
  revision: Scalars['Int']['output'];
  updatedAt: Scalars['Time']['output'];
};


/** A curated collection of approved posts. */
export type BoardItemsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type BoardConnection = {
  __typename?: 'BoardConnection';
  edges: Array<BoardEdge>;
  pageInfo: PageInfo;
};

export type BoardEdge = {
  __typename?: 'BoardEdge';
  cursor: Scalars['String']['output'];
  node: Board;
};

export type BoardFacet = {
  __typename?: 'BoardFacet';
  board: Board;
  count: Scalars['Int']['output'];
};

export type BoardInput = {
  audience: AudienceInput;
  coverUrl?: InputMaybe<Scalars['String']['input']>;
  curatorIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};

/** A post on a board. */
export type BoardItem = {
  __typename?: 'BoardItem';
  addedAt: Scalars['Time']['output'];
  /** The board, when the caller sees it (an archived board is not listed). */
  board: Maybe<Board>;
  boardId: Scalars['ID']['output'];
  expiresAt: Maybe<Scalars['Time']['output']>;
  pinned: Scalars['Boolean']['output'];
  position: Scalars['Float']['output'];
  post: Post;
  suggestedText: Array<SuggestedText>;
};

/**
 * A brand channel: a LinkedIn organization page, an X account, a Facebook page, a Slack channel
 * (incoming webhook) or a generic webhook. Credentials are encrypted at rest and never returned:
 * credentialKeys only names the ones that are set.
 */
export type Channel = Node & {
  __typename?: 'Channel';
  createdAt: Scalars['Time']['output'];
  credentialKeys: Array<Scalars['String']['output']>;
  enabled: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  platform: Platform;
  revision: Scalars['Int']['output'];
  updatedAt: Scalars['Time']['output'];
};

export type ChannelInput = {
  credentials: Array<CredentialInput>;
  name: Scalars['String']['input'];
  platform: Platform;
};

export type ChannelOverride = {
  __typename?: 'ChannelOverride';
  body: Scalars['String']['output'];
  channel: Scalars['String']['output'];
};

export type ChannelOverrideInput = {
  body: Scalars['String']['input'];
  channel: Scalars['String']['input'];
};

export type ChannelUpdateInput = {
  /** Merged into the stored credentials. */
  credentials?: InputMaybe<Array<CredentialInput>>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type ClassifierSettings = {
  __typename?: 'ClassifierSettings';
  competitors: Array<Scalars['String']['output']>;
  disclosureCategories: Array<Scalars['String']['output']>;
  disclosures: Array<Scalars['String']['output']>;
};

export type ClassifierSettingsInput = {
  competitors: Array<Scalars['String']['input']>;
  disclosureCategories: Array<Scalars['String']['input']>;
  disclosures: Array<Scalars['String']['input']>;
};

export type Comment = {
  __typename?: 'Comment';
  author: User;
  body: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  versionId: Scalars['ID']['output'];
};

/** An employee's own account on a network, used for scheduled shares (the token is never returned). */
export type ConnectedAccount = {
  __typename?: 'ConnectedAccount';
  accountId: Scalars['String']['output'];
  connected: Scalars['Boolean']['output'];
  connectedAt: Scalars['Time']['output'];
  network: ShareNetwork;
  revokedAt: Maybe<Scalars['Time']['output']>;
};

/** A credential or setting of a channel, e.g. access_token, organization_id, page_id, webhook_url, url, secret. */
export type CredentialInput = {
  key: Scalars['String']['input'];
  /** Empty removes the key (on update). */
  value: Scalars['String']['input'];
};

export type Decision = {
  __typename?: 'Decision';
  comment: Scalars['String']['output'];
  contentHash: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  groups: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: DecisionKind;
  reviewer: User;
  stage: Scalars['Int']['output'];
  /** The version and content hash the decision was made on. */
  versionId: Scalars['ID']['output'];
};

export type DecisionInput = {
  /** Required when requesting changes or rejecting. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** Optionally, its content hash, checked too. */
  contentHash?: InputMaybe<Scalars['String']['input']>;
  postId: Scalars['ID']['input'];
  /** The version the reviewer read. A decision on any other version is refused (CONFLICT). */
  versionId: Scalars['ID']['input'];
};

export type DecisionKind =
  | 'APPROVE'
  | 'REJECT'
  | 'REQUEST_CHANGES';

export type DecisionPayload = {
  __typename?: 'DecisionPayload';
  decision: Decision;
  post: Post;
};

export type FeedConnection = {
  __typename?: 'FeedConnection';
  edges: Array<FeedEdge>;
  pageInfo: PageInfo;
};

export type FeedEdge = {
  __typename?: 'FeedEdge';
  cursor: Scalars['String']['output'];
  node: BoardItem;
};

export type FieldChange = {
  __typename?: 'FieldChange';
  after: Scalars['JSON']['output'];
  before: Scalars['JSON']['output'];
  field: Scalars['String']['output'];
};

export type GroupRequirement = {
  __typename?: 'GroupRequirement';
  group: Scalars['String']['output'];
  quorum: Quorum;
};

export type GroupRequirementInput = {
  group: Scalars['String']['input'];
  quorum: QuorumInput;
};

/** Which channels a kind of notification goes to, overriding the default. */
export type KindChannels = {
  __typename?: 'KindChannels';
  channels: Array<NotificationChannel>;
  kind: NotificationKind;
};

export type KindChannelsInput = {
  channels: Array<NotificationChannel>;
  kind: NotificationKind;
};

/** A classifier's finding and the text that produced it. */
export type Label = {
  __typename?: 'Label';
  /** Where the match ends in the body (exclusive), in UTF-8 bytes. */
  end: Scalars['Int']['output'];
  /** The matched text: body[start:end]. */
  evidence: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** Where the match starts in the body, in UTF-8 bytes (not characters). */
  start: Scalars['Int']['output'];
};

export type LeaderboardEntry = {
  __typename?: 'LeaderboardEntry';
  /** Counted clicks in the period (1 point each). */
  clicks: Scalars['Int']['output'];
  points: Scalars['Int']['output'];
  rank: Scalars['Int']['output'];
  /** Shares that went out in the period (10 points each). */
  shares: Scalars['Int']['output'];
  user: User;
};

export type MatchedRule = {
  __typename?: 'MatchedRule';
  action: RuleAction;
  /**
   * Why the rule could not be evaluated or applied for this post; empty when it matched cleanly.
   * A failed rule applies as if it matched (fails closed).
   */
  error: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** What the rule did when its effect was not plain (a quorum kept or raised, a group also in another stage, no effect, a failure). */
  note: Scalars['String']['output'];
  ruleId: Scalars['ID']['output'];
};

export type Media = {
  __typename?: 'Media';
  altText: Scalars['String']['output'];
  kind: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type MediaInput = {
  altText: Scalars['String']['input'];
  /** IMAGE, VIDEO or DOCUMENT. */
  kind: Scalars['String']['input'];
  url: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  addComment: Comment;
  /** Put an APPROVED post on a board, on top. */
  addToBoard: BoardItem;
  approvePost: DecisionPayload;
  /** Take a board out of every feed and search. */
  archiveBoard: Board;
  /** Cancel one's own scheduled or pending share. */
  cancelShare: Share;
  /** Connect one's own account on a network for scheduled shares; the token is stored encrypted. */
  connectAccount: ConnectedAccount;
  createBoard: Board;
  /** Add a brand channel (admins). */
  createChannel: Channel;
  createPost: Post;
  createRoutingRule: RoutingRule;
  /** Subscribe an endpoint to events (admins). The secret is returned only here and by rotateWebhookSecret. */
  createWebhookSubscription: WebhookSubscriptionWithSecret;
  createWorkflow: Workflow;
  deleteRoutingRule: RoutingRule;
  deleteWebhookSubscription: Scalars['Boolean']['output'];
  /** Stop publishing to a channel (admins). */
  disableChannel: Channel;
  disconnectAccount: Scalars['Boolean']['output'];
  markAllNotificationsRead: Scalars['Int']['output'];
  /** Mark the caller's notifications read; others' ids are ignored. Returns how many were marked. */
  markNotificationsRead: Scalars['Int']['output'];
  /** Place an item right after another (afterPostId null: on top). */
  moveBoardItem: BoardItem;
  pinBoardItem: BoardItem;
  /** Send a delivery's event again, as a new delivery. */
  redeliverWebhook: WebhookDelivery;
  rejectPost: DecisionPayload;
  /** Publish now what waits in the release queue. */
  releasePost: Array<PublishJob>;
  removeFromBoard: Board;
  requestChanges: DecisionPayload;
  /** Try a failed publication again. */
  retryPublish: PublishJob;
  rotateWebhookSecret: WebhookSubscriptionWithSecret;
  /** Plan a post's publication: at a time in a named time zone, or on manual release. A post not yet approved is scheduled when it is approved. */
  schedulePost: PublicationPlan;
  setClassifierSettings: ClassifierSettings;
  /** Set the maximum age of approved content on boards, in days; null: no limit (admins). */
  setMaxContentAge: Maybe<Scalars['Int']['output']>;
  setNotificationPreferences: NotificationPreferences;
  /** Route edited share texts for approval (admins). */
  setShareEditsNeedApproval: Scalars['Boolean']['output'];
  /** Replace the organization's sign-on policy (admins). */
  setSignOnPolicy: SignOnPolicy;
  /** Set (or with an empty url, remove) the organization's Slack incoming webhook for notifications (admins). */
  setSlackWebhook: Scalars['Boolean']['output'];
  /** Activate or deactivate a user (admins). Deactivation ends all of the user's sessions at once. */
  setUserActive: User;
  /** Replace the roles and reviewer groups an admin assigned to a user (admins). */
  setUserRoles: User;
  /**
   * Share an approved post from a board. A locked share text refuses any other text; an edit is kept,
   * and routed for approval when the organization requires it. With scheduleAt, it is published then
   * through the caller's connected account. An employee has one live share of a post per network:
   * sharing it there again returns that share (the same tracked link).
   */
  sharePost: Share;
  submitPost: Post;
  /** Aim a post at boards: it lands on them the moment it is approved (at once if it already is). */
  targetBoards: Array<Board>;
  /** Drop the plan and cancel what has not gone out. */
  unschedulePost: Array<PublishJob>;
  updateBoard: Board;
  updateChannel: Channel;
  /** Save a new version. Editing an APPROVED post voids its approval and returns it to DRAFT. */
  updatePost: Post;
  updateRoutingRule: RoutingRule;
  updateWebhookSubscription: WebhookSubscription;
  /** Replace a workflow. With expectedRevision, refused (CONFLICT) if it changed meanwhile. */
  updateWorkflow: Workflow;
  withdrawPost: Post;
};


export type MutationAddCommentArgs = {
  body: Scalars['String']['input'];
  postId: Scalars['ID']['input'];
};


export type MutationAddToBoardArgs = {
  boardId: Scalars['ID']['input'];
  expiresAt: InputMaybe<Scalars['Time']['input']>;
  postId: Scalars['ID']['input'];
  suggestedText: InputMaybe<Array<SuggestedTextInput>>;
};


export type MutationApprovePostArgs = {
  input: DecisionInput;
};


export type MutationArchiveBoardArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCancelShareArgs = {
  id: Scalars['ID']['input'];
};


export type MutationConnectAccountArgs = {
  accountId: Scalars['String']['input'];
  network: ShareNetwork;
  token: Scalars['String']['input'];
};


export type MutationCreateBoardArgs = {
  input: BoardInput;
};


export type MutationCreateChannelArgs = {
  input: ChannelInput;
};


export type MutationCreatePostArgs = {
  content: PostContentInput;
};


export type MutationCreateRoutingRuleArgs = {
  input: RoutingRuleInput;
};


export type MutationCreateWebhookSubscriptionArgs = {
  input: WebhookSubscriptionInput;
};


export type MutationCreateWorkflowArgs = {
  input: WorkflowInput;
};


export type MutationDeleteRoutingRuleArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteWebhookSubscriptionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDisableChannelArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDisconnectAccountArgs = {
  network: ShareNetwork;
};


export type MutationMarkNotificationsReadArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationMoveBoardItemArgs = {
  afterPostId: InputMaybe<Scalars['ID']['input']>;
  boardId: Scalars['ID']['input'];
  postId: Scalars['ID']['input'];
};


export type MutationPinBoardItemArgs = {
  boardId: Scalars['ID']['input'];
  pinned: Scalars['Boolean']['input'];
  postId: Scalars['ID']['input'];
};


export type MutationRedeliverWebhookArgs = {
  deliveryId: Scalars['ID']['input'];
};


export type MutationRejectPostArgs = {
  input: DecisionInput;
};


export type MutationReleasePostArgs = {
  postId: Scalars['ID']['input'];
};


export type MutationRemoveFromBoardArgs = {
  boardId: Scalars['ID']['input'];
  postId: Scalars['ID']['input'];
};


export type MutationRequestChangesArgs = {
  input: DecisionInput;
};


export type MutationRetryPublishArgs = {
  jobId: Scalars['ID']['input'];
};


export type MutationRotateWebhookSecretArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSchedulePostArgs = {
  input: SchedulePostInput;
};


export type MutationSetClassifierSettingsArgs = {
  input: ClassifierSettingsInput;
};


export type MutationSetMaxContentAgeArgs = {
  days: InputMaybe<Scalars['Int']['input']>;
};


export type MutationSetNotificationPreferencesArgs = {
  input: NotificationPreferencesInput;
};


export type MutationSetShareEditsNeedApprovalArgs = {
  on: Scalars['Boolean']['input'];
};


export type MutationSetSignOnPolicyArgs = {
  input: SignOnPolicyInput;
};


export type MutationSetSlackWebhookArgs = {
  url: Scalars['String']['input'];
};


export type MutationSetUserActiveArgs = {
  active: Scalars['Boolean']['input'];
  userId: Scalars['ID']['input'];
};


export type MutationSetUserRolesArgs = {
  groups: Array<Scalars['String']['input']>;
  roles: Array<Role>;
  userId: Scalars['ID']['input'];
};


export type MutationSharePostArgs = {
  network: ShareNetwork;
  postId: Scalars['ID']['input'];
  scheduleAt: InputMaybe<Scalars['Time']['input']>;
  text: InputMaybe<Scalars['String']['input']>;
};


export type MutationSubmitPostArgs = {
  id: Scalars['ID']['input'];
};


export type MutationTargetBoardsArgs = {
  boardIds: Array<Scalars['ID']['input']>;
  postId: Scalars['ID']['input'];
};


export type MutationUnschedulePostArgs = {
  postId: Scalars['ID']['input'];
};


export type MutationUpdateBoardArgs = {
  expectedRevision: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  input: BoardInput;
};


export type MutationUpdateChannelArgs = {
  expectedRevision: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  input: ChannelUpdateInput;
};


export type MutationUpdatePostArgs = {
  content: PostContentInput;
  expectedVersion: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationUpdateRoutingRuleArgs = {
  expectedRevision: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  input: RoutingRuleInput;
};


export type MutationUpdateWebhookSubscriptionArgs = {
  id: Scalars['ID']['input'];
  input: WebhookSubscriptionUpdateInput;
};


export type MutationUpdateWorkflowArgs = {
  expectedRevision: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  input: WorkflowInput;
};


export type MutationWithdrawPostArgs = {
  id: Scalars['ID']['input'];
  reason: InputMaybe<Scalars['String']['input']>;
};

/**
 * An object that can be fetched again by its id alone (Relay's object identification). Ids are
 * UUIDs, unique across every type.
 */
export type Node = {
  id: Scalars['ID']['output'];
};

export type Notification = Node & {
  __typename?: 'Notification';
  body: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  kind: NotificationKind;
  /** A path of the web app, e.g. /posts/{id}. */
  link: Scalars['String']['output'];
  postId: Maybe<Scalars['ID']['output']>;
  readAt: Maybe<Scalars['Time']['output']>;
  title: Scalars['String']['output'];
};

export type NotificationChannel =
  | 'EMAIL'
  | 'IN_APP'
  | 'SLACK';

export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  edges: Array<NotificationEdge>;
  pageInfo: PageInfo;
};

export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  cursor: Scalars['String']['output'];
  node: Notification;
};

export type NotificationKind =
  | 'POST_APPROVED'
  /** A reviewer decided on your post. */
  | 'POST_DECIDED'
  /** Publishing a post to a brand channel failed. */
  | 'PUBLISH_FAILED'
  /** A stage passed its SLA and was escalated to your group. */
  | 'REVIEW_ESCALATED'
  /** A stage awaiting you is near its SLA. */
  | 'REVIEW_REMINDER'
  /** A stage awaits your group. */
  | 'REVIEW_REQUESTED'
  /** A routing rule fails at run time (admins; once per failure episode). */
  | 'ROUTING_RULE_FAILING';

export type NotificationPreferences = {
  __typename?: 'NotificationPreferences';
  /** Default channels (in-app and e-mail unless changed). */
  channels: Array<NotificationChannel>;
  kinds: Array<KindChannels>;
};

export type NotificationPreferencesInput = {
  channels: Array<NotificationChannel>;
  kinds?: InputMaybe<Array<KindChannelsInput>>;
};

/** Relay's PageInfo. Lists page forward (first/after): hasPreviousPage is true when after was given. */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor: Maybe<Scalars['String']['output']>;
};

export type PlanStage = {
  __typename?: 'PlanStage';
  escalateTo: Scalars['String']['output'];
  groups: Array<GroupRequirement>;
  name: Scalars['String']['output'];
  slaSeconds: Scalars['Int']['output'];
};

/** A brand channel's platform. */
export type Platform =
  | 'FACEBOOK'
  | 'LINKEDIN'
  | 'SLACK'
  | 'WEBHOOK'
  | 'X';

export type Post = Node & {
  __typename?: 'Post';
  author: User;
  clickCount: Scalars['Int']['output'];
  comments: Array<Comment>;
  createdAt: Scalars['Time']['output'];
  currentVersion: PostVersion;
  decisions: Array<Decision>;
  /** What changed between two versions. */
  diff: VersionDiff;
  id: Scalars['ID']['output'];
  /** The publication plan, if any (editors and reviewers: a reviewer sees when and where an approval goes out). */
  publicationPlan: Maybe<PublicationPlan>;
  /** Publication to brand channels, one job per channel (editors; others see none). */
  publishJobs: Array<PublishJob>;
  /** The most recent submission, if any. */
  review: Maybe<Review>;
  /** Shares of this post that went out, and their counted clicks. */
  shareCount: Scalars['Int']['output'];
  state: PostState;
  title: Scalars['String']['output'];
  updatedAt: Scalars['Time']['output'];
  version: PostVersion;
  /** Every version, oldest first. */
  versions: Array<PostVersion>;
};


export type PostDiffArgs = {
  from: Scalars['Int']['input'];
  to: Scalars['Int']['input'];
};


export type PostVersionArgs = {
  number: Scalars['Int']['input'];
};

export type PostConnection = {
  __typename?: 'PostConnection';
  edges: Array<PostEdge>;
  pageInfo: PageInfo;
};

export type PostContent = {
  __typename?: 'PostContent';
  body: Scalars['String']['output'];
  category: Scalars['String']['output'];
  channelOverrides: Array<ChannelOverride>;
  /** Target platforms: linkedin, x, facebook, instagram, slack, webhook. */
  channels: Array<Scalars['String']['output']>;
  link: Scalars['String']['output'];
  media: Array<Media>;
  region: Scalars['String']['output'];
  /** Suggested text for employees sharing the post. */
  shareText: Scalars['String']['output'];
  /** Whether employees may edit the share text. */
  shareTextEditable: Scalars['Boolean']['output'];
  /** Campaign tags. */
  tags: Array<Scalars['String']['output']>;
  title: Scalars['String']['output'];
};

export type PostContentInput = {
  body: Scalars['String']['input'];
  category?: InputMaybe<Scalars['String']['input']>;
  channelOverrides?: InputMaybe<Array<ChannelOverrideInput>>;
  channels?: InputMaybe<Array<Scalars['String']['input']>>;
  link?: InputMaybe<Scalars['String']['input']>;
  media?: InputMaybe<Array<MediaInput>>;
  region?: InputMaybe<Scalars['String']['input']>;
  shareText?: InputMaybe<Scalars['String']['input']>;
  shareTextEditable?: InputMaybe<Scalars['Boolean']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  title?: InputMaybe<Scalars['String']['input']>;
};

export type PostEdge = {
  __typename?: 'PostEdge';
  cursor: Scalars['String']['output'];
  node: Post;
};

export type PostFilter = {
  authorId?: InputMaybe<Scalars['ID']['input']>;
  states?: InputMaybe<Array<PostState>>;
};

export type PostState =
  | 'APPROVED'
  | 'CHANGES_REQUESTED'
  | 'DRAFT'
  | 'IN_REVIEW'
  | 'REJECTED';

export type PostVersion = {
  __typename?: 'PostVersion';
  author: User;
  content: PostContent;
  /** SHA-256 of the version's canonical JSON: what approvals are bound to. */
  contentHash: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  number: Scalars['Int']['output'];
};

/** What a marketer asked for: these channels at this time, or on manual release. */
export type PublicationPlan = {
  __typename?: 'PublicationPlan';
  channels: Array<Channel>;
  manualRelease: Scalars['Boolean']['output'];
  /** null: waits for a manual release. */
  publishAt: Maybe<Scalars['Time']['output']>;
  timeZone: Scalars['String']['output'];
  updatedAt: Scalars['Time']['output'];
};

/** One post version to one channel: unique, so nothing publishes twice. */
export type PublishJob = {
  __typename?: 'PublishJob';
  attempts: Scalars['Int']['output'];
  cancelReason: Scalars['String']['output'];
  channel: Channel;
  contentHash: Scalars['String']['output'];
  /** The receipt: the platform's post id and URL, and when it was published. */
  externalId: Scalars['String']['output'];
  externalUrl: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The platform's error of the last failed attempt. */
  lastError: Scalars['String']['output'];
  publishedAt: Maybe<Scalars['Time']['output']>;
  /** When it runs (null while awaiting release). */
  runAt: Maybe<Scalars['Time']['output']>;
  status: PublishStatus;
  updatedAt: Scalars['Time']['output'];
  versionId: Scalars['ID']['output'];
};

export type PublishStatus =
  | 'AWAITING_RELEASE'
  | 'CANCELED'
  | 'FAILED'
  | 'PUBLISHED'
  | 'PUBLISHING'
  | 'SCHEDULED';

export type Query = {
  __typename?: 'Query';
  /** The organization's audit log, newest first (admins). */
  auditLog: AuditEventConnection;
  board: Board;
  /** Boards the caller may see (editors: all; archived only on request). */
  boards: BoardConnection;
  /** The organization's brand channels (editors). */
  channels: Array<Channel>;
  classifierSettings: ClassifierSettings;
  connectedAccounts: Array<ConnectedAccount>;
  /**
   * Until when the caller's sign-in is recent enough to approve or reject posts, when the
   * organization asks for a recent sign-in (step-up); null when it does not. After it, a decision is
   * refused until the caller signs in again (/auth/login?step_up=1).
   */
  decisionSignInValidUntil: Maybe<Scalars['Time']['output']>;
  /** Approved posts from the caller's boards (or one board), pinned first, then newest. */
  feed: FeedConnection;
  /** Employees ranked by points in a period (default: the last 30 days). */
  leaderboard: Array<LeaderboardEntry>;
  /** Days after approval when content leaves the boards until approved again; null: never (editors). */
  maxContentAgeDays: Maybe<Scalars['Int']['output']>;
  /** The signed-in user. */
  me: User;
  /** The caller's own entry in the leaderboard over the same period, wherever they rank; null when they have no points in it. */
  myLeaderboardEntry: Maybe<LeaderboardEntry>;
  /** The caller's shares that went out and the clicks counted on them, all of them. */
  myShareTotals: ShareTotals;
  /** The caller's shares, newest first. */
  myShares: ShareConnection;
  /** Any object by its id, with the same access checks as its own query; null when there is none. */
  node: Maybe<Node>;
  notificationPreferences: NotificationPreferences;
  /** The caller's notifications, newest first. */
  notifications: NotificationConnection;
  post: Post;
  /** Posts the caller may see, most recently changed first. */
  posts: PostConnection;
  /** The stage plan this content would get if submitted now. Changes nothing. */
  previewRouting: RoutingPlan;
  /** Posts approved for a manual release, longest waiting first (editors). */
  releaseQueue: ReleaseQueueConnection;
  /** Posts whose current stage awaits the caller's decision, longest waiting first. */
  reviewQueue: ReviewQueueConnection;
  /** Routing rules in the order they apply. */
  routingRules: RoutingRuleConnection;
  /**
   * Search the approved posts on the caller's boards (or one board). text is web-search syntax:
   * words, "a phrase", OR, -exclude; misspellings find their nearest words.
   */
  search: SearchConnection;
  /** A tenant token for clients that search Meilisearch directly (only with the Meilisearch backend). */
  searchToken: SearchToken;
  /** What employees shared: the text that went out, where and when (admins, for compliance). */
  shareArchive: ShareConnection;
  /** Whether an edited share text is routed for approval. */
  shareEditsNeedApproval: Scalars['Boolean']['output'];
  /** The organization's sign-on policy (admins). */
  signOnPolicy: SignOnPolicy;
  /** Whether the organization's Slack webhook for notifications is set (its URL is never returned). */
  slackWebhookSet: Scalars['Boolean']['output'];
  unreadNotificationCount: Scalars['Int']['output'];
  /** Users of the organization (admins, marketers and reviewers), ordered by e-mail. */
  users: UserConnection;
  /** Recompute the organization's audit hash chain and name the first broken event (admins). */
  verifyAuditLog: AuditVerification;
  webhookSubscription: WebhookSubscription;
  /** The organization's outgoing webhooks (admins). */
  webhookSubscriptions: WebhookSubscriptionConnection;
  workflows: WorkflowConnection;
};


export type QueryAuditLogArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  filter: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryBoardArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBoardsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeArchived?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryFeedArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  boardId: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLeaderboardArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  from: InputMaybe<Scalars['Time']['input']>;
  to: InputMaybe<Scalars['Time']['input']>;
};


export type QueryMyLeaderboardEntryArgs = {
  from: InputMaybe<Scalars['Time']['input']>;
  to: InputMaybe<Scalars['Time']['input']>;
};


export type QueryMySharesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNotificationsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryPostArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPostsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  filter: InputMaybe<PostFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPreviewRoutingArgs = {
  content: PostContentInput;
};


export type QueryReleaseQueueArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryReviewQueueArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRoutingRulesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySearchArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  boardId: InputMaybe<Scalars['ID']['input']>;
  channel: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  tags: InputMaybe<Array<Scalars['String']['input']>>;
  text: Scalars['String']['input'];
};


export type QueryShareArchiveArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: InputMaybe<Scalars['Time']['input']>;
  to: InputMaybe<Scalars['Time']['input']>;
  userId: InputMaybe<Scalars['ID']['input']>;
};


export type QueryUsersArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  filter: InputMaybe<UserFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryWebhookSubscriptionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWebhookSubscriptionsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryWorkflowsArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Quorum = {
  __typename?: 'Quorum';
  kind: QuorumKind;
  n: Scalars['Int']['output'];
};

export type QuorumInput = {
  kind: QuorumKind;
  /** For N. */
  n?: InputMaybe<Scalars['Int']['input']>;
};

export type QuorumKind =
  /** Every eligible member of the group (authors excepted), counted at submit. */
  | 'ALL'
  /** One reviewer of the group. */
  | 'ANY'
  /** n distinct reviewers. */
  | 'N';

export type ReleaseQueueConnection = {
  __typename?: 'ReleaseQueueConnection';
  edges: Array<ReleaseQueueEdge>;
  pageInfo: PageInfo;
};

export type ReleaseQueueEdge = {
  __typename?: 'ReleaseQueueEdge';
  cursor: Scalars['String']['output'];
  node: ReleaseQueueItem;
};

/** A post approved for a manual release, waiting in the release queue. */
export type ReleaseQueueItem = {
  __typename?: 'ReleaseQueueItem';
  channels: Array<Channel>;
  post: Post;
  since: Scalars['Time']['output'];
};

/** One submission of one version, with its frozen stage plan. */
export type Review = {
  __typename?: 'Review';
  closedAt: Maybe<Scalars['Time']['output']>;
  contentHash: Scalars['String']['output'];
  /** 1-based. */
  currentStage: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** The route, as resolved and frozen at submit, with the rules and labels that shaped it. */
  plan: RoutingPlan;
  stageStartedAt: Scalars['Time']['output'];
  stages: Array<ReviewStage>;
  status: ReviewStatus;
  submittedAt: Scalars['Time']['output'];
  submittedBy: User;
  versionId: Scalars['ID']['output'];
};

export type ReviewGroup = {
  __typename?: 'ReviewGroup';
  approvals: Scalars['Int']['output'];
  clearedAt: Maybe<Scalars['Time']['output']>;
  group: Scalars['String']['output'];
  quorum: Quorum;
  /** Distinct approvals needed. */
  required: Scalars['Int']['output'];
};

export type ReviewQueueConnection = {
  __typename?: 'ReviewQueueConnection';
  edges: Array<ReviewQueueEdge>;
  pageInfo: PageInfo;
  /** How many posts await the caller in all (not only this page). */
  totalCount: Scalars['Int']['output'];
};

export type ReviewQueueEdge = {
  __typename?: 'ReviewQueueEdge';
  cursor: Scalars['String']['output'];
  node: ReviewQueueItem;
};

export type ReviewQueueItem = {
  __typename?: 'ReviewQueueItem';
  /** The caller's groups awaited at this stage. */
  groups: Array<Scalars['String']['output']>;
  post: Post;
  stage: Scalars['Int']['output'];
  stageStartedAt: Scalars['Time']['output'];
};

export type ReviewStage = {
  __typename?: 'ReviewStage';
  cleared: Scalars['Boolean']['output'];
  escalateTo: Scalars['String']['output'];
  groups: Array<ReviewGroup>;
  name: Scalars['String']['output'];
  number: Scalars['Int']['output'];
  slaSeconds: Scalars['Int']['output'];
};

export type ReviewStatus =
  | 'APPROVED'
  | 'CHANGES_REQUESTED'
  | 'IN_REVIEW'
  | 'REJECTED'
  /** The approved content was edited; the approval no longer holds. */
  | 'VOIDED'
  | 'WITHDRAWN';

export type Role =
  | 'ADMIN'
  | 'EMPLOYEE'
  | 'MARKETER'
  | 'REVIEWER';

export type RoutingPlan = {
  __typename?: 'RoutingPlan';
  labels: Array<Label>;
  /** The rules that matched or failed (error set; they apply too), in the order they applied. */
  rules: Array<MatchedRule>;
  stages: Array<PlanStage>;
  workflowId: Maybe<Scalars['ID']['output']>;
  workflowName: Scalars['String']['output'];
};

/**
 * A routing rule: when the CEL expression is true, the action applies. The expression sees `post`
 * (body, link, channels, tags, category, region, hasMedia) and `labels` (classifier label names).
 */
export type RoutingRule = Node & {
  __typename?: 'RoutingRule';
  action: RuleAction;
  createdAt: Scalars['Time']['output'];
  description: Scalars['String']['output'];
  enabled: Scalars['Boolean']['output'];
  expression: Scalars['String']['output'];
  /**
   * Whether the rule fails at run time (its expression errs on some post). A failing rule does not
   * block submissions: it applies as if it matched, so those posts get more review, not less, and
   * admins are notified once per failure episode. Cleared when it evaluates cleanly again or is
   * edited.
   */
  failing: Scalars['Boolean']['output'];
  /** When the current failure episode started; null when the rule is not failing. */
  failingSince: Maybe<Scalars['Time']['output']>;
  id: Scalars['ID']['output'];
  /** The latest run-time error; empty when the rule is not failing. */
  lastError: Scalars['String']['output'];
  /** When lastError happened; null when the rule is not failing. */
  lastErrorAt: Maybe<Scalars['Time']['output']>;
  name: Scalars['String']['output'];
  /** Rules apply in ascending priority, then by name. */
  priority: Scalars['Int']['output'];
  revision: Scalars['Int']['output'];
  updatedAt: Scalars['Time']['output'];
};

export type RoutingRuleConnection = {
  __typename?: 'RoutingRuleConnection';
  edges: Array<RoutingRuleEdge>;
  pageInfo: PageInfo;
};

export type RoutingRuleEdge = {
  __typename?: 'RoutingRuleEdge';
  cursor: Scalars['String']['output'];
  node: RoutingRule;
};

export type RoutingRuleInput = {
  action: RuleActionInput;
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  expression: Scalars['String']['input'];
  name: Scalars['String']['input'];
  priority?: InputMaybe<Scalars['Int']['input']>;
};

export type RuleAction = {
  __typename?: 'RuleAction';
  group: Scalars['String']['output'];
  kind: RuleActionKind;
  position: Scalars['Int']['output'];
  quorum: Quorum;
  slaSeconds: Scalars['Int']['output'];
  stageName: Scalars['String']['output'];
  workflowId: Maybe<Scalars['ID']['output']>;
};

export type RuleActionInput = {
  group?: InputMaybe<Scalars['String']['input']>;
  kind: RuleActionKind;
  position?: InputMaybe<Scalars['Int']['input']>;
  quorum?: InputMaybe<QuorumInput>;
  slaSeconds?: InputMaybe<Scalars['Int']['input']>;
  stageName?: InputMaybe<Scalars['String']['input']>;
  workflowId?: InputMaybe<Scalars['ID']['input']>;
};

export type RuleActionKind =
  /** Add a group to the stage at position (0: the last stage). */
  | 'ADD_GROUP'
  /** Insert a new stage holding the group at position (1-based; 0: after the last). */
  | 'ADD_STAGE'
  /** Use another workflow as the base of the plan. */
  | 'USE_WORKFLOW';

export type SchedulePostInput = {
  /** Wall-clock time in timeZone, e.g. 2026-12-01T09:00, or RFC 3339 with an offset. Omit for a manual release. */
  at?: InputMaybe<Scalars['String']['input']>;
  channelIds: Array<Scalars['ID']['input']>;
  /** Wait in the release queue until a marketer releases the post. */
  manualRelease?: InputMaybe<Scalars['Boolean']['input']>;
  postId: Scalars['ID']['input'];
  /** IANA time zone name, e.g. Europe/Berlin (default UTC). */
  timeZone?: InputMaybe<Scalars['String']['input']>;
};

export type SearchConnection = {
  __typename?: 'SearchConnection';
  boardFacets: Array<BoardFacet>;
  edges: Array<SearchEdge>;
  pageInfo: PageInfo;
  tagFacets: Array<TagFacet>;
  /** Matches in scope, up to 500: 500 means at least that many (counted with the postgres backend, estimated with Meilisearch). */
  total: Scalars['Int']['output'];
};

export type SearchEdge = {
  __typename?: 'SearchEdge';
  cursor: Scalars['String']['output'];
  node: SearchHit;
};

/** A post found by search, with the words that matched marked. */
export type SearchHit = {
  __typename?: 'SearchHit';
  /** The caller's boards the post is on. */
  boards: Array<Board>;
  post: Post;
  score: Scalars['Float']['output'];
  snippet: Scalars['String']['output'];
  /** HTML: the user's text escaped, matches in <mark>…</mark>. */
  title: Scalars['String']['output'];
};

/** A Meilisearch tenant token: searches the index directly, limited to the caller's organization and boards. */
export type SearchToken = {
  __typename?: 'SearchToken';
  expiresAt: Scalars['Time']['output'];
  indexUid: Scalars['String']['output'];
  token: Scalars['String']['output'];
};

/** An employee's share of an approved post, with its tracked link. */
export type Share = Node & {
  __typename?: 'Share';
  /** Counted clicks: bots and repeat clicks from one visitor excluded. */
  clicks: Scalars['Int']['output'];
  contentHash: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  /** The employee changed the suggested text. */
  edited: Scalars['Boolean']['output'];
  externalUrl: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The network's share dialog, for sharing now from the employee's own account (while OPENED). */
  intentUrl: Maybe<Scalars['String']['output']>;
  network: ShareNetwork;
  /** The post shared, while it is approved (the share's text and version stay for the record). */
  post: Maybe<Post>;
  publishedAt: Maybe<Scalars['Time']['output']>;
  scheduleAt: Maybe<Scalars['Time']['output']>;
  sharedAt: Maybe<Scalars['Time']['output']>;
  status: ShareStatus;
  statusReason: Scalars['String']['output'];
  /** The text that goes (or went) out. */
  text: Scalars['String']['output'];
  /** The short tracked link (/s/{code}) that redirects to the post's link with UTM parameters. */
  trackedUrl: Scalars['String']['output'];
  user: User;
  versionId: Scalars['ID']['output'];
};

export type ShareConnection = {
  __typename?: 'ShareConnection';
  edges: Array<ShareEdge>;
  pageInfo: PageInfo;
};

export type ShareEdge = {
  __typename?: 'ShareEdge';
  cursor: Scalars['String']['output'];
  node: Share;
};

/** Where an employee shares a post. */
export type ShareNetwork =
  | 'EMAIL'
  | 'FACEBOOK'
  | 'LINKEDIN'
  | 'X';

export type ShareStatus =
  | 'CANCELED'
  | 'FAILED'
  /** Shared from the employee's own account through the network's share dialog. */
  | 'OPENED'
  /** The edited text waits for approval. */
  | 'PENDING_APPROVAL'
  | 'PUBLISHED'
  /** The edited text was rejected. */
  | 'REJECTED'
  /** Will be published through the employee's connected account. */
  | 'SCHEDULED';

/** What an employee's shares add up to. */
export type ShareTotals = {
  __typename?: 'ShareTotals';
  /** Clicks counted on the employee's tracked links. */
  clicks: Scalars['Int']['output'];
  /** Shares that went out (one per post and network). */
  shares: Scalars['Int']['output'];
};

/** An organization's rules for signing in. */
export type SignOnPolicy = {
  __typename?: 'SignOnPolicy';
  /** E-mail domains that may sign in; empty: any. */
  emailDomains: Array<Scalars['String']['output']>;
  /** Approvals and rejections need a sign-in no older than this many minutes; null: no step-up. */
  stepUpMinutes: Maybe<Scalars['Int']['output']>;
};

export type SignOnPolicyInput = {
  emailDomains: Array<Scalars['String']['input']>;
  stepUpMinutes?: InputMaybe<Scalars['Int']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The caller's new in-app notifications, as they happen. */
  notificationAdded: Notification;
};

/** Suggested share text for one network. */
export type SuggestedText = {
  __typename?: 'SuggestedText';
  network: Scalars['String']['output'];
  text: Scalars['String']['output'];
};

export type SuggestedTextInput = {
  /** linkedin, x, facebook or email */
  network: Scalars['String']['input'];
  text: Scalars['String']['input'];
};

export type TagFacet = {
  __typename?: 'TagFacet';
  count: Scalars['Int']['output'];
  tag: Scalars['String']['output'];
};

export type User = {
  __typename?: 'User';
  active: Scalars['Boolean']['output'];
  assignedGroups: Array<Scalars['String']['output']>;
  assignedRoles: Array<Role>;
  claimGroups: Array<Scalars['String']['output']>;
  claimRoles: Array<Role>;
  createdAt: Scalars['Time']['output'];
  department: Scalars['String']['output'];
  email: Scalars['String']['output'];
  /** Effective reviewer groups. */
  groups: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  region: Scalars['String']['output'];
  /** Effective roles: those from the identity provider's claim and those an admin assigned. */
  roles: Array<Role>;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

export type UserFilter = {
  group?: InputMaybe<Scalars['String']['input']>;
  /** Matches e-mail or name. */
  query?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Role>;
};

export type VersionDiff = {
  __typename?: 'VersionDiff';
  /** Unified diff of the body; empty when unchanged. */
  bodyDiff: Scalars['String']['output'];
  changes: Array<FieldChange>;
  from: PostVersion;
  to: PostVersion;
};

export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  attemptedAt: Scalars['Time']['output'];
  durationMs: Scalars['Int']['output'];
  error: Scalars['String']['output'];
  number: Scalars['Int']['output'];
  /** The start of the answer's body (at most 1 KiB). */
  responseExcerpt: Scalars['String']['output'];
  /** The endpoint's HTTP status; null when it did not answer. */
  statusCode: Maybe<Scalars['Int']['output']>;
};

/** One event sent to one subscription, with every attempt. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  attemptCount: Scalars['Int']['output'];
  attempts: Array<WebhookAttempt>;
  completedAt: Maybe<Scalars['Time']['output']>;
  createdAt: Scalars['Time']['output'];
  /** The event's data as sent. */
  data: Scalars['JSON']['output'];
  event: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  redeliveryOf: Maybe<Scalars['ID']['output']>;
  status: WebhookDeliveryStatus;
};

export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  edges: Array<WebhookDeliveryEdge>;
  pageInfo: PageInfo;
};

export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  cursor: Scalars['String']['output'];
  node: WebhookDelivery;
};

export type WebhookDeliveryStatus =
  | 'CANCELLED'
  | 'DELIVERED'
  | 'FAILED'
  | 'PENDING';

/**
 * An outgoing webhook: the organization's endpoint that receives post lifecycle events, each a
 * signed POST (X-Clearpost-Signature: sha256=HMAC of "timestamp.body"), retried with backoff.
 */
export type WebhookSubscription = Node & {
  __typename?: 'WebhookSubscription';
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['Time']['output'];
  /** The delivery log, newest first. */
  deliveries: WebhookDeliveryConnection;
  description: Scalars['String']['output'];
  /** post.submitted, post.decided, post.approved, post.scheduled, post.published, post.publish_failed, share.created */
  events: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  secretRotatedAt: Maybe<Scalars['Time']['output']>;
  updatedAt: Scalars['Time']['output'];
  url: Scalars['String']['output'];
};


/**
 * An outgoing webhook: the organization's endpoint that receives post lifecycle events, each a
 * signed POST (X-Clearpost-Signature: sha256=HMAC of "timestamp.body"), retried with backoff.
 */
export type WebhookSubscriptionDeliveriesArgs = {
  after: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type WebhookSubscriptionConnection = {
  __typename?: 'WebhookSubscriptionConnection';
  edges: Array<WebhookSubscriptionEdge>;
  pageInfo: PageInfo;
};

export type WebhookSubscriptionEdge = {
  __typename?: 'WebhookSubscriptionEdge';
  cursor: Scalars['String']['output'];
  node: WebhookSubscription;
};

export type WebhookSubscriptionInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  events: Array<Scalars['String']['input']>;
  url: Scalars['String']['input'];
};

export type WebhookSubscriptionUpdateInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  events?: InputMaybe<Array<Scalars['String']['input']>>;
  url?: InputMaybe<Scalars['String']['input']>;
};

/** A subscription with its signing secret: returned once, when created or rotated. */
export type WebhookSubscriptionWithSecret = {
  __typename?: 'WebhookSubscriptionWithSecret';
  secret: Scalars['String']['output'];
  subscription: WebhookSubscription;
};

export type Workflow = Node & {
  __typename?: 'Workflow';
  createdAt: Scalars['Time']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The default workflow is the base of every plan no rule replaces. */
  isDefault: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  revision: Scalars['Int']['output'];
  stages: Array<WorkflowStage>;
  updatedAt: Scalars['Time']['output'];
};

export type WorkflowConnection = {
  __typename?: 'WorkflowConnection';
  edges: Array<WorkflowEdge>;
  pageInfo: PageInfo;
};

export type WorkflowEdge = {
  __typename?: 'WorkflowEdge';
  cursor: Scalars['String']['output'];
  node: Workflow;
};

export type WorkflowInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  isDefault?: InputMaybe<Scalars['Boolean']['input']>;
  name: Scalars['String']['input'];
  stages: Array<WorkflowStageInput>;
};

export type WorkflowStage = {
  __typename?: 'WorkflowStage';
  escalateTo: Scalars['String']['output'];
  /** Groups sign off in parallel; the stage clears when all have. */
  groups: Array<GroupRequirement>;
  name: Scalars['String']['output'];
  slaSeconds: Scalars['Int']['output'];
};

export type WorkflowStageInput = {
  escalateTo?: InputMaybe<Scalars['String']['input']>;
  groups: Array<GroupRequirementInput>;
  name: Scalars['String']['input'];
  slaSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, email: string, name: string, roles: Array<Role>, groups: Array<string>, department: string, region: string } };

export type FeedBoardsQueryVariables = Exact<{ [key: string]: never; }>;


export type FeedBoardsQuery = { __typename?: 'Query', boards: { __typename?: 'BoardConnection', edges: Array<{ __typename?: 'BoardEdge', node: { __typename?: 'Board', id: string, name: string } }> } };

export type FeedQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after: InputMaybe<Scalars['String']['input']>;
  boardId: InputMaybe<Scalars['ID']['input']>;
}>;


export type FeedQuery = { __typename?: 'Query', feed: { __typename?: 'FeedConnection', edges: Array<{ __typename?: 'FeedEdge', cursor: string, node: { __typename?: 'BoardItem', boardId: string, pinned: boolean, expiresAt: string | null, board: { __typename?: 'Board', id: string, name: string } | null, suggestedText: Array<{ __typename?: 'SuggestedText', network: string, text: string }>, post: { __typename?: 'Post', id: string, title: string, state: PostState, shareCount: number, clickCount: number, currentVersion: { __typename?: 'PostVersion', id: string, content: { __typename?: 'PostContent', title: string, body: string, link: string, tags: Array<string>, shareText: string, shareTextEditable: boolean, media: Array<{ __typename?: 'Media', url: string, altText: string, kind: string }> } } } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type PostCardFragment = { __typename?: 'Post', id: string, title: string, state: PostState, shareCount: number, clickCount: number, currentVersion: { __typename?: 'PostVersion', id: string, content: { __typename?: 'PostContent', title: string, body: string, link: string, tags: Array<string>, shareText: string, shareTextEditable: boolean, media: Array<{ __typename?: 'Media', url: string, altText: string, kind: string }> } } };

export type PostPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PostPageQuery = { __typename?: 'Query', post: { __typename?: 'Post', id: string, title: string, state: PostState, shareCount: number, clickCount: number, currentVersion: { __typename?: 'PostVersion', id: string, content: { __typename?: 'PostContent', title: string, body: string, link: string, tags: Array<string>, shareText: string, shareTextEditable: boolean, media: Array<{ __typename?: 'Media', url: string, altText: string, kind: string }> } } } };

export type NotificationPreferencesQueryVariables = Exact<{ [key: string]: never; }>;


export type NotificationPreferencesQuery = { __typename?: 'Query', notificationPreferences: { __typename?: 'NotificationPreferences', channels: Array<NotificationChannel>, kinds: Array<{ __typename?: 'KindChannels', kind: NotificationKind, channels: Array<NotificationChannel> }> } };

export type SetNotificationPreferencesMutationVariables = Exact<{
  input: NotificationPreferencesInput;
}>;


export type SetNotificationPreferencesMutation = { __typename?: 'Mutation', setNotificationPreferences: { __typename?: 'NotificationPreferences', channels: Array<NotificationChannel>, kinds: Array<{ __typename?: 'KindChannels', kind: NotificationKind, channels: Array<NotificationChannel> }> } };

export type NotificationItemFragment = { __typename?: 'Notification', id: string, kind: NotificationKind, title: string, body: string, link: string, createdAt: string, readAt: string | null };

export type UnreadNotificationCountQueryVariables = Exact<{ [key: string]: never; }>;


export type UnreadNotificationCountQuery = { __typename?: 'Query', unreadNotificationCount: number };

export type NotificationsQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type NotificationsQuery = { __typename?: 'Query', notifications: { __typename?: 'NotificationConnection', edges: Array<{ __typename?: 'NotificationEdge', cursor: string, node: { __typename?: 'Notification', id: string, kind: NotificationKind, title: string, body: string, link: string, createdAt: string, readAt: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type NotificationAddedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NotificationAddedSubscription = { __typename?: 'Subscription', notificationAdded: { __typename?: 'Notification', id: string, kind: NotificationKind, title: string, body: string, link: string, createdAt: string, readAt: string | null } };

export type MarkNotificationsReadMutationVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type MarkNotificationsReadMutation = { __typename?: 'Mutation', markNotificationsRead: number };

export type MarkAllNotificationsReadMutationVariables = Exact<{ [key: string]: never; }>;


export type MarkAllNotificationsReadMutation = { __typename?: 'Mutation', markAllNotificationsRead: number };

export type ReviewDiffQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  from: Scalars['Int']['input'];
  to: Scalars['Int']['input'];
}>;


export type ReviewDiffQuery = { __typename?: 'Query', post: { __typename?: 'Post', id: string, diff: { __typename?: 'VersionDiff', bodyDiff: string, changes: Array<{ __typename?: 'FieldChange', field: string }> } } };

export type ApprovePostMutationVariables = Exact<{
  input: DecisionInput;
}>;


export type ApprovePostMutation = { __typename?: 'Mutation', approvePost: { __typename?: 'DecisionPayload', decision: { __typename?: 'Decision', id: string }, post: { __typename?: 'Post', id: string, state: PostState } } };

export type RequestChangesMutationVariables = Exact<{
  input: DecisionInput;
}>;


export type RequestChangesMutation = { __typename?: 'Mutation', requestChanges: { __typename?: 'DecisionPayload', decision: { __typename?: 'Decision', id: string }, post: { __typename?: 'Post', id: string, state: PostState } } };

export type RejectPostMutationVariables = Exact<{
  input: DecisionInput;
}>;


export type RejectPostMutation = { __typename?: 'Mutation', rejectPost: { __typename?: 'DecisionPayload', decision: { __typename?: 'Decision', id: string }, post: { __typename?: 'Post', id: string, state: PostState } } };

export type ReviewQueueQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type ReviewQueueQuery = { __typename?: 'Query', reviewQueue: { __typename?: 'ReviewQueueConnection', totalCount: number, edges: Array<{ __typename?: 'ReviewQueueEdge', cursor: string, node: { __typename?: 'ReviewQueueItem', stage: number, stageStartedAt: string, groups: Array<string>, post: { __typename?: 'Post', id: string, title: string, author: { __typename?: 'User', id: string, name: string }, currentVersion: { __typename?: 'PostVersion', id: string, number: number, content: { __typename?: 'PostContent', title: string, channels: Array<string> } }, review: { __typename?: 'Review', id: string, stages: Array<{ __typename?: 'ReviewStage', number: number, name: string, slaSeconds: number }> } | null } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean } } };

export type ReviewPostQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ReviewPostQuery = { __typename?: 'Query', decisionSignInValidUntil: string | null, post: { __typename?: 'Post', id: string, title: string, state: PostState, author: { __typename?: 'User', id: string, name: string }, currentVersion: { __typename?: 'PostVersion', id: string, number: number, contentHash: string, createdAt: string, author: { __typename?: 'User', id: string, name: string }, content: { __typename?: 'PostContent', title: string, body: string, link: string, tags: Array<string>, channels: Array<string>, media: Array<{ __typename?: 'Media', url: string, altText: string, kind: string }>, channelOverrides: Array<{ __typename?: 'ChannelOverride', channel: string, body: string }> } }, versions: Array<{ __typename?: 'PostVersion', id: string, number: number, createdAt: string }>, review: { __typename?: 'Review', id: string, status: ReviewStatus, versionId: string, contentHash: string, currentStage: number, stageStartedAt: string, stages: Array<{ __typename?: 'ReviewStage', number: number, name: string, slaSeconds: number, cleared: boolean, groups: Array<{ __typename?: 'ReviewGroup', group: string, required: number, approvals: number, clearedAt: string | null }> }>, plan: { __typename?: 'RoutingPlan', workflowName: string, rules: Array<{ __typename?: 'MatchedRule', ruleId: string, name: string, note: string, error: string, action: { __typename?: 'RuleAction', kind: RuleActionKind, group: string, stageName: string } }>, labels: Array<{ __typename?: 'Label', name: string, evidence: string, start: number, end: number }> } } | null, decisions: Array<{ __typename?: 'Decision', id: string, kind: DecisionKind, comment: string, stage: number, versionId: string, createdAt: string, reviewer: { __typename?: 'User', id: string, name: string, email: string } }>, comments: Array<{ __typename?: 'Comment', id: string, body: string, versionId: string, createdAt: string, author: { __typename?: 'User', id: string, name: string } }>, publicationPlan: { __typename?: 'PublicationPlan', publishAt: string | null, timeZone: string, manualRelease: boolean, channels: Array<{ __typename?: 'Channel', id: string, name: string, platform: Platform }> } | null } };

export type AddReviewCommentMutationVariables = Exact<{
  postId: Scalars['ID']['input'];
  body: Scalars['String']['input'];
}>;


export type AddReviewCommentMutation = { __typename?: 'Mutation', addComment: { __typename?: 'Comment', id: string } };

export type ReviewQueueIdsQueryVariables = Exact<{ [key: string]: never; }>;


export type ReviewQueueIdsQuery = { __typename?: 'Query', reviewQueue: { __typename?: 'ReviewQueueConnection', totalCount: number, edges: Array<{ __typename?: 'ReviewQueueEdge', node: { __typename?: 'ReviewQueueItem', stageStartedAt: string, post: { __typename?: 'Post', id: string } } }> } };

export type SearchQueryVariables = Exact<{
  text: Scalars['String']['input'];
  boardId: InputMaybe<Scalars['ID']['input']>;
  tags: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  first: Scalars['Int']['input'];
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type SearchQuery = { __typename?: 'Query', search: { __typename?: 'SearchConnection', total: number, boardFacets: Array<{ __typename?: 'BoardFacet', count: number, board: { __typename?: 'Board', id: string, name: string } }>, tagFacets: Array<{ __typename?: 'TagFacet', tag: string, count: number }>, edges: Array<{ __typename?: 'SearchEdge', cursor: string, node: { __typename?: 'SearchHit', score: number, title: string, snippet: string, boards: Array<{ __typename?: 'Board', id: string, name: string }>, post: { __typename?: 'Post', id: string, title: string, state: PostState, shareCount: number, clickCount: number, currentVersion: { __typename?: 'PostVersion', id: string, content: { __typename?: 'PostContent', title: string, body: string, link: string, tags: Array<string>, shareText: string, shareTextEditable: boolean, media: Array<{ __typename?: 'Media', url: string, altText: string, kind: string }> } } } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type LeaderboardQueryVariables = Exact<{ [key: string]: never; }>;


export type LeaderboardQuery = { __typename?: 'Query', leaderboard: Array<{ __typename?: 'LeaderboardEntry', rank: number, shares: number, clicks: number, points: number, user: { __typename?: 'User', id: string, name: string, department: string } }>, myLeaderboardEntry: { __typename?: 'LeaderboardEntry', rank: number, shares: number, clicks: number, points: number, user: { __typename?: 'User', id: string, name: string, department: string } } | null };

export type LeaderboardRowFragment = { __typename?: 'LeaderboardEntry', rank: number, shares: number, clicks: number, points: number, user: { __typename?: 'User', id: string, name: string, department: string } };

export type MySharesQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after: InputMaybe<Scalars['String']['input']>;
}>;


export type MySharesQuery = { __typename?: 'Query', myShares: { __typename?: 'ShareConnection', edges: Array<{ __typename?: 'ShareEdge', cursor: string, node: { __typename?: 'Share', id: string, network: ShareNetwork, status: ShareStatus, statusReason: string, text: string, trackedUrl: string, clicks: number, createdAt: string, sharedAt: string | null, scheduleAt: string | null, post: { __typename?: 'Post', id: string, title: string, currentVersion: { __typename?: 'PostVersion', id: string, content: { __typename?: 'PostContent', title: string } } } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type MyShareTotalsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyShareTotalsQuery = { __typename?: 'Query', myShareTotals: { __typename?: 'ShareTotals', shares: number, clicks: number } };

export type CancelShareMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelShareMutation = { __typename?: 'Mutation', cancelShare: { __typename?: 'Share', id: string, status: ShareStatus, statusReason: string } };

export type ShareContextQueryVariables = Exact<{ [key: string]: never; }>;


export type ShareContextQuery = { __typename?: 'Query', shareEditsNeedApproval: boolean, connectedAccounts: Array<{ __typename?: 'ConnectedAccount', network: ShareNetwork, connected: boolean }> };

export type SharePostMutationVariables = Exact<{
  postId: Scalars['ID']['input'];
  network: ShareNetwork;
  text: InputMaybe<Scalars['String']['input']>;
  scheduleAt: InputMaybe<Scalars['Time']['input']>;
}>;


export type SharePostMutation = { __typename?: 'Mutation', sharePost: { __typename?: 'Share', id: string, network: ShareNetwork, text: string, edited: boolean, status: ShareStatus, statusReason: string, trackedUrl: string, intentUrl: string | null, scheduleAt: string | null, clicks: number, createdAt: string, post: { __typename?: 'Post', id: string, shareCount: number } | null } };

export const PostCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PostCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Post"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"shareCount"}},{"kind":"Field","name":{"kind":"Name","value":"clickCount"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"altText"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"shareText"}},{"kind":"Field","name":{"kind":"Name","value":"shareTextEditable"}}]}}]}}]}}]} as unknown as DocumentNode<PostCardFragment, unknown>;
export const NotificationItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<NotificationItemFragment, unknown>;
export const LeaderboardRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LeaderboardRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"shares"}},{"kind":"Field","name":{"kind":"Name","value":"clicks"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"department"}}]}}]}}]} as unknown as DocumentNode<LeaderboardRowFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}},{"kind":"Field","name":{"kind":"Name","value":"groups"}},{"kind":"Field","name":{"kind":"Name","value":"department"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const FeedBoardsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeedBoards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"boards"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<FeedBoardsQuery, FeedBoardsQueryVariables>;
export const FeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Feed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"boardId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"boardId"}},{"kind":"Field","name":{"kind":"Name","value":"board"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pinned"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"suggestedText"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"network"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PostCard"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PostCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Post"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"shareCount"}},{"kind":"Field","name":{"kind":"Name","value":"clickCount"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"altText"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"shareText"}},{"kind":"Field","name":{"kind":"Name","value":"shareTextEditable"}}]}}]}}]}}]} as unknown as DocumentNode<FeedQuery, FeedQueryVariables>;
export const PostPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PostPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"post"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PostCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PostCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Post"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"shareCount"}},{"kind":"Field","name":{"kind":"Name","value":"clickCount"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"altText"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"shareText"}},{"kind":"Field","name":{"kind":"Name","value":"shareTextEditable"}}]}}]}}]}}]} as unknown as DocumentNode<PostPageQuery, PostPageQueryVariables>;
export const NotificationPreferencesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotificationPreferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notificationPreferences"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channels"}},{"kind":"Field","name":{"kind":"Name","value":"kinds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"channels"}}]}}]}}]}}]} as unknown as DocumentNode<NotificationPreferencesQuery, NotificationPreferencesQueryVariables>;
export const SetNotificationPreferencesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetNotificationPreferences"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NotificationPreferencesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setNotificationPreferences"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channels"}},{"kind":"Field","name":{"kind":"Name","value":"kinds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"channels"}}]}}]}}]}}]} as unknown as DocumentNode<SetNotificationPreferencesMutation, SetNotificationPreferencesMutationVariables>;
export const UnreadNotificationCountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnreadNotificationCount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadNotificationCount"}}]}}]} as unknown as DocumentNode<UnreadNotificationCountQuery, UnreadNotificationCountQueryVariables>;
export const NotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Notifications"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<NotificationsQuery, NotificationsQueryVariables>;
export const NotificationAddedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NotificationAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notificationAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]} as unknown as DocumentNode<NotificationAddedSubscription, NotificationAddedSubscriptionVariables>;
export const MarkNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkNotificationsRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markNotificationsRead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}]}]}}]} as unknown as DocumentNode<MarkNotificationsReadMutation, MarkNotificationsReadMutationVariables>;
export const MarkAllNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkAllNotificationsRead"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markAllNotificationsRead"}}]}}]} as unknown as DocumentNode<MarkAllNotificationsReadMutation, MarkAllNotificationsReadMutationVariables>;
export const ReviewDiffDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewDiff"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"post"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"diff"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bodyDiff"}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReviewDiffQuery, ReviewDiffQueryVariables>;
export const ApprovePostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApprovePost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecisionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approvePost"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decision"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<ApprovePostMutation, ApprovePostMutationVariables>;
export const RequestChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestChanges"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecisionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestChanges"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decision"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<RequestChangesMutation, RequestChangesMutationVariables>;
export const RejectPostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RejectPost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecisionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectPost"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decision"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<RejectPostMutation, RejectPostMutationVariables>;
export const ReviewQueueDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewQueue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewQueue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageStartedAt"}},{"kind":"Field","name":{"kind":"Name","value":"groups"}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"channels"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slaSeconds"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}}]} as unknown as DocumentNode<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const ReviewPostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewPost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decisionSignInValidUntil"}},{"kind":"Field","name":{"kind":"Name","value":"post"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"contentHash"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"altText"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"channelOverrides"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"body"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"channels"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"versionId"}},{"kind":"Field","name":{"kind":"Name","value":"contentHash"}},{"kind":"Field","name":{"kind":"Name","value":"currentStage"}},{"kind":"Field","name":{"kind":"Name","value":"stageStartedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slaSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"cleared"}},{"kind":"Field","name":{"kind":"Name","value":"groups"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"approvals"}},{"kind":"Field","name":{"kind":"Name","value":"clearedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workflowName"}},{"kind":"Field","name":{"kind":"Name","value":"rules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"stageName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"versionId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"reviewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"comments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"versionId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"publicationPlan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishAt"}},{"kind":"Field","name":{"kind":"Name","value":"timeZone"}},{"kind":"Field","name":{"kind":"Name","value":"manualRelease"}},{"kind":"Field","name":{"kind":"Name","value":"channels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReviewPostQuery, ReviewPostQueryVariables>;
export const AddReviewCommentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddReviewComment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"postId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"body"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addComment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"postId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"postId"}}},{"kind":"Argument","name":{"kind":"Name","value":"body"},"value":{"kind":"Variable","name":{"kind":"Name","value":"body"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<AddReviewCommentMutation, AddReviewCommentMutationVariables>;
export const ReviewQueueIdsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReviewQueueIds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewQueue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stageStartedAt"}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReviewQueueIdsQuery, ReviewQueueIdsQueryVariables>;
export const SearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Search"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tags"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"search"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}},{"kind":"Argument","name":{"kind":"Name","value":"boardId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}}},{"kind":"Argument","name":{"kind":"Name","value":"tags"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tags"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"boardFacets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"board"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"tagFacets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"snippet"}},{"kind":"Field","name":{"kind":"Name","value":"boards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PostCard"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PostCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Post"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"shareCount"}},{"kind":"Field","name":{"kind":"Name","value":"clickCount"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"link"}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"altText"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"shareText"}},{"kind":"Field","name":{"kind":"Name","value":"shareTextEditable"}}]}}]}}]}}]} as unknown as DocumentNode<SearchQuery, SearchQueryVariables>;
export const LeaderboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Leaderboard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LeaderboardRow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myLeaderboardEntry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LeaderboardRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LeaderboardRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"shares"}},{"kind":"Field","name":{"kind":"Name","value":"clicks"}},{"kind":"Field","name":{"kind":"Name","value":"points"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"department"}}]}}]}}]} as unknown as DocumentNode<LeaderboardQuery, LeaderboardQueryVariables>;
export const MySharesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyShares"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myShares"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"network"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"trackedUrl"}},{"kind":"Field","name":{"kind":"Name","value":"clicks"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"sharedAt"}},{"kind":"Field","name":{"kind":"Name","value":"scheduleAt"}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"currentVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"content"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<MySharesQuery, MySharesQueryVariables>;
export const MyShareTotalsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyShareTotals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myShareTotals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shares"}},{"kind":"Field","name":{"kind":"Name","value":"clicks"}}]}}]}}]} as unknown as DocumentNode<MyShareTotalsQuery, MyShareTotalsQueryVariables>;
export const CancelShareDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelShare"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelShare"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}}]}}]}}]} as unknown as DocumentNode<CancelShareMutation, CancelShareMutationVariables>;
export const ShareContextDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ShareContext"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"shareEditsNeedApproval"}},{"kind":"Field","name":{"kind":"Name","value":"connectedAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"network"}},{"kind":"Field","name":{"kind":"Name","value":"connected"}}]}}]}}]} as unknown as DocumentNode<ShareContextQuery, ShareContextQueryVariables>;
export const SharePostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SharePost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"postId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"network"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ShareNetwork"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scheduleAt"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sharePost"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"postId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"postId"}}},{"kind":"Argument","name":{"kind":"Name","value":"network"},"value":{"kind":"Variable","name":{"kind":"Name","value":"network"}}},{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}},{"kind":"Argument","name":{"kind":"Name","value":"scheduleAt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scheduleAt"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"network"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"edited"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"trackedUrl"}},{"kind":"Field","name":{"kind":"Name","value":"intentUrl"}},{"kind":"Field","name":{"kind":"Name","value":"scheduleAt"}},{"kind":"Field","name":{"kind":"Name","value":"clicks"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"post"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"shareCount"}}]}}]}}]}}]} as unknown as DocumentNode<SharePostMutation, SharePostMutationVariables>;