/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      roles\n      groups\n      department\n      region\n    }\n  }\n": typeof types.MeDocument,
    "\n  query FeedBoards {\n    boards(first: 50) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.FeedBoardsDocument,
    "\n  query Feed($first: Int!, $after: String, $boardId: ID) {\n    feed(first: $first, after: $after, boardId: $boardId) {\n      edges {\n        cursor\n        node {\n          boardId\n          board {\n            id\n            name\n          }\n          pinned\n          expiresAt\n          suggestedText {\n            network\n            text\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.FeedDocument,
    "\n  fragment PostCard on Post {\n    id\n    title\n    state\n    shareCount\n    clickCount\n    currentVersion {\n      id\n      content {\n        title\n        body\n        link\n        media {\n          url\n          altText\n          kind\n        }\n        tags\n        shareText\n        shareTextEditable\n      }\n    }\n  }\n": typeof types.PostCardFragmentDoc,
    "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      ...PostCard\n    }\n  }\n": typeof types.PostPageDocument,
    "\n  query NotificationPreferences {\n    notificationPreferences {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n": typeof types.NotificationPreferencesDocument,
    "\n  mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {\n    setNotificationPreferences(input: $input) {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n": typeof types.SetNotificationPreferencesDocument,
    "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    readAt\n  }\n": typeof types.NotificationItemFragmentDoc,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": typeof types.UnreadNotificationCountDocument,
    "\n  query Notifications($first: Int!, $after: String) {\n    notifications(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...NotificationItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.NotificationsDocument,
    "\n  subscription NotificationAdded {\n    notificationAdded {\n      ...NotificationItem\n    }\n  }\n": typeof types.NotificationAddedDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n": typeof types.MarkAllNotificationsReadDocument,
    "\n  query ReviewDiff($id: ID!, $from: Int!, $to: Int!) {\n    post(id: $id) {\n      id\n      diff(from: $from, to: $to) {\n        bodyDiff\n        changes {\n          field\n        }\n      }\n    }\n  }\n": typeof types.ReviewDiffDocument,
    "\n  mutation ApprovePost($input: DecisionInput!) {\n    approvePost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": typeof types.ApprovePostDocument,
    "\n  mutation RequestChanges($input: DecisionInput!) {\n    requestChanges(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": typeof types.RequestChangesDocument,
    "\n  mutation RejectPost($input: DecisionInput!) {\n    rejectPost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": typeof types.RejectPostDocument,
    "\n  query ReviewQueue($first: Int!) {\n    reviewQueue(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          stage\n          stageStartedAt\n          groups\n          post {\n            id\n            title\n            author {\n              id\n              name\n            }\n            currentVersion {\n              id\n              number\n              content {\n                title\n                channels\n              }\n            }\n            review {\n              id\n              stages {\n                number\n                name\n                slaSeconds\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": typeof types.ReviewQueueDocument,
    "\n  query DecisionSignIn {\n    decisionSignInValidUntil\n  }\n": typeof types.DecisionSignInDocument,
    "\n  query ReviewPost($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      state\n      author {\n        id\n        name\n      }\n      currentVersion {\n        id\n        number\n        contentHash\n        createdAt\n        author {\n          id\n          name\n        }\n        content {\n          title\n          body\n          link\n          media {\n            url\n            altText\n            kind\n          }\n          channelOverrides {\n            channel\n            body\n          }\n          tags\n          channels\n        }\n      }\n      versions {\n        id\n        number\n        createdAt\n      }\n      review {\n        id\n        status\n        versionId\n        contentHash\n        currentStage\n        stageStartedAt\n        stages {\n          number\n          name\n          slaSeconds\n          cleared\n          groups {\n            group\n            required\n            approvals\n            clearedAt\n          }\n        }\n        plan {\n          workflowName\n          rules {\n            ruleId\n            name\n            note\n            error\n            action {\n              kind\n              group\n              stageName\n            }\n          }\n          labels {\n            name\n            evidence\n            start\n            end\n          }\n        }\n      }\n      decisions {\n        id\n        kind\n        comment\n        stage\n        versionId\n        createdAt\n        reviewer {\n          id\n          name\n          email\n        }\n      }\n      comments {\n        id\n        body\n        versionId\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n      publicationPlan {\n        publishAt\n        timeZone\n        manualRelease\n        channels {\n          id\n          name\n          platform\n        }\n      }\n    }\n  }\n": typeof types.ReviewPostDocument,
    "\n  mutation AddReviewComment($postId: ID!, $body: String!) {\n    addComment(postId: $postId, body: $body) {\n      id\n    }\n  }\n": typeof types.AddReviewCommentDocument,
    "\n  query ReviewQueueIds {\n    reviewQueue(first: 100) {\n      totalCount\n      edges {\n        node {\n          stageStartedAt\n          post {\n            id\n          }\n        }\n      }\n    }\n  }\n": typeof types.ReviewQueueIdsDocument,
    "\n  query Search($text: String!, $boardId: ID, $tags: [String!], $first: Int!, $after: String) {\n    search(text: $text, boardId: $boardId, tags: $tags, first: $first, after: $after) {\n      total\n      boardFacets {\n        count\n        board {\n          id\n          name\n        }\n      }\n      tagFacets {\n        tag\n        count\n      }\n      edges {\n        cursor\n        node {\n          score\n          title\n          snippet\n          boards {\n            id\n            name\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SearchDocument,
    "\n  query Leaderboard {\n    leaderboard(first: 20) {\n      ...LeaderboardRow\n    }\n    myLeaderboardEntry {\n      ...LeaderboardRow\n    }\n  }\n": typeof types.LeaderboardDocument,
    "\n  fragment LeaderboardRow on LeaderboardEntry {\n    rank\n    shares\n    clicks\n    points\n    user {\n      id\n      name\n      department\n    }\n  }\n": typeof types.LeaderboardRowFragmentDoc,
    "\n  query MyShares($first: Int!, $after: String) {\n    myShares(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          network\n          status\n          statusReason\n          text\n          trackedUrl\n          clicks\n          createdAt\n          sharedAt\n          scheduleAt\n          post {\n            id\n            title\n            currentVersion {\n              id\n              content {\n                title\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.MySharesDocument,
    "\n  query MyShareTotals {\n    myShareTotals {\n      shares\n      clicks\n    }\n  }\n": typeof types.MyShareTotalsDocument,
    "\n  mutation CancelShare($id: ID!) {\n    cancelShare(id: $id) {\n      id\n      status\n      statusReason\n    }\n  }\n": typeof types.CancelShareDocument,
    "\n  query ShareContext {\n    shareEditsNeedApproval\n    connectedAccounts {\n      network\n      connected\n    }\n  }\n": typeof types.ShareContextDocument,
    "\n  mutation SharePost($postId: ID!, $network: ShareNetwork!, $text: String, $scheduleAt: Time) {\n    sharePost(postId: $postId, network: $network, text: $text, scheduleAt: $scheduleAt) {\n      id\n      network\n      text\n      edited\n      status\n      statusReason\n      trackedUrl\n      intentUrl\n      scheduleAt\n      clicks\n      createdAt\n      post {\n        id\n        shareCount\n      }\n    }\n  }\n": typeof types.SharePostDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      roles\n      groups\n      department\n      region\n    }\n  }\n": types.MeDocument,
    "\n  query FeedBoards {\n    boards(first: 50) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.FeedBoardsDocument,
    "\n  query Feed($first: Int!, $after: String, $boardId: ID) {\n    feed(first: $first, after: $after, boardId: $boardId) {\n      edges {\n        cursor\n        node {\n          boardId\n          board {\n            id\n            name\n          }\n          pinned\n          expiresAt\n          suggestedText {\n            network\n            text\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.FeedDocument,
    "\n  fragment PostCard on Post {\n    id\n    title\n    state\n    shareCount\n    clickCount\n    currentVersion {\n      id\n      content {\n        title\n        body\n        link\n        media {\n          url\n          altText\n          kind\n        }\n        tags\n        shareText\n        shareTextEditable\n      }\n    }\n  }\n": types.PostCardFragmentDoc,
    "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      ...PostCard\n    }\n  }\n": types.PostPageDocument,
    "\n  query NotificationPreferences {\n    notificationPreferences {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n": types.NotificationPreferencesDocument,
    "\n  mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {\n    setNotificationPreferences(input: $input) {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n": types.SetNotificationPreferencesDocument,
    "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    readAt\n  }\n": types.NotificationItemFragmentDoc,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": types.UnreadNotificationCountDocument,
    "\n  query Notifications($first: Int!, $after: String) {\n    notifications(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...NotificationItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.NotificationsDocument,
    "\n  subscription NotificationAdded {\n    notificationAdded {\n      ...NotificationItem\n    }\n  }\n": types.NotificationAddedDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n": types.MarkAllNotificationsReadDocument,
    "\n  query ReviewDiff($id: ID!, $from: Int!, $to: Int!) {\n    post(id: $id) {\n      id\n      diff(from: $from, to: $to) {\n        bodyDiff\n        changes {\n          field\n        }\n      }\n    }\n  }\n": types.ReviewDiffDocument,
    "\n  mutation ApprovePost($input: DecisionInput!) {\n    approvePost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": types.ApprovePostDocument,
    "\n  mutation RequestChanges($input: DecisionInput!) {\n    requestChanges(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": types.RequestChangesDocument,
    "\n  mutation RejectPost($input: DecisionInput!) {\n    rejectPost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n": types.RejectPostDocument,
    "\n  query ReviewQueue($first: Int!) {\n    reviewQueue(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          stage\n          stageStartedAt\n          groups\n          post {\n            id\n            title\n            author {\n              id\n              name\n            }\n            currentVersion {\n              id\n              number\n              content {\n                title\n                channels\n              }\n            }\n            review {\n              id\n              stages {\n                number\n                name\n                slaSeconds\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": types.ReviewQueueDocument,
    "\n  query DecisionSignIn {\n    decisionSignInValidUntil\n  }\n": types.DecisionSignInDocument,
    "\n  query ReviewPost($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      state\n      author {\n        id\n        name\n      }\n      currentVersion {\n        id\n        number\n        contentHash\n        createdAt\n        author {\n          id\n          name\n        }\n        content {\n          title\n          body\n          link\n          media {\n            url\n            altText\n            kind\n          }\n          channelOverrides {\n            channel\n            body\n          }\n          tags\n          channels\n        }\n      }\n      versions {\n        id\n        number\n        createdAt\n      }\n      review {\n        id\n        status\n        versionId\n        contentHash\n        currentStage\n        stageStartedAt\n        stages {\n          number\n          name\n          slaSeconds\n          cleared\n          groups {\n            group\n            required\n            approvals\n            clearedAt\n          }\n        }\n        plan {\n          workflowName\n          rules {\n            ruleId\n            name\n            note\n            error\n            action {\n              kind\n              group\n              stageName\n            }\n          }\n          labels {\n            name\n            evidence\n            start\n            end\n          }\n        }\n      }\n      decisions {\n        id\n        kind\n        comment\n        stage\n        versionId\n        createdAt\n        reviewer {\n          id\n          name\n          email\n        }\n      }\n      comments {\n        id\n        body\n        versionId\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n      publicationPlan {\n        publishAt\n        timeZone\n        manualRelease\n        channels {\n          id\n          name\n          platform\n        }\n      }\n    }\n  }\n": types.ReviewPostDocument,
    "\n  mutation AddReviewComment($postId: ID!, $body: String!) {\n    addComment(postId: $postId, body: $body) {\n      id\n    }\n  }\n": types.AddReviewCommentDocument,
    "\n  query ReviewQueueIds {\n    reviewQueue(first: 100) {\n      totalCount\n      edges {\n        node {\n          stageStartedAt\n          post {\n            id\n          }\n        }\n      }\n    }\n  }\n": types.ReviewQueueIdsDocument,
    "\n  query Search($text: String!, $boardId: ID, $tags: [String!], $first: Int!, $after: String) {\n    search(text: $text, boardId: $boardId, tags: $tags, first: $first, after: $after) {\n      total\n      boardFacets {\n        count\n        board {\n          id\n          name\n        }\n      }\n      tagFacets {\n        tag\n        count\n      }\n      edges {\n        cursor\n        node {\n          score\n          title\n          snippet\n          boards {\n            id\n            name\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SearchDocument,
    "\n  query Leaderboard {\n    leaderboard(first: 20) {\n      ...LeaderboardRow\n    }\n    myLeaderboardEntry {\n      ...LeaderboardRow\n    }\n  }\n": types.LeaderboardDocument,
    "\n  fragment LeaderboardRow on LeaderboardEntry {\n    rank\n    shares\n    clicks\n    points\n    user {\n      id\n      name\n      department\n    }\n  }\n": types.LeaderboardRowFragmentDoc,
    "\n  query MyShares($first: Int!, $after: String) {\n    myShares(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          network\n          status\n          statusReason\n          text\n          trackedUrl\n          clicks\n          createdAt\n          sharedAt\n          scheduleAt\n          post {\n            id\n            title\n            currentVersion {\n              id\n              content {\n                title\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.MySharesDocument,
    "\n  query MyShareTotals {\n    myShareTotals {\n      shares\n      clicks\n    }\n  }\n": types.MyShareTotalsDocument,
    "\n  mutation CancelShare($id: ID!) {\n    cancelShare(id: $id) {\n      id\n      status\n      statusReason\n    }\n  }\n": types.CancelShareDocument,
    "\n  query ShareContext {\n    shareEditsNeedApproval\n    connectedAccounts {\n      network\n      connected\n    }\n  }\n": types.ShareContextDocument,
    "\n  mutation SharePost($postId: ID!, $network: ShareNetwork!, $text: String, $scheduleAt: Time) {\n    sharePost(postId: $postId, network: $network, text: $text, scheduleAt: $scheduleAt) {\n      id\n      network\n      text\n      edited\n      status\n      statusReason\n      trackedUrl\n      intentUrl\n      scheduleAt\n      clicks\n      createdAt\n      post {\n        id\n        shareCount\n      }\n    }\n  }\n": types.SharePostDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      name\n      roles\n      groups\n      department\n      region\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      name\n      roles\n      groups\n      department\n      region\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FeedBoards {\n    boards(first: 50) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FeedBoards {\n    boards(first: 50) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Feed($first: Int!, $after: String, $boardId: ID) {\n    feed(first: $first, after: $after, boardId: $boardId) {\n      edges {\n        cursor\n        node {\n          boardId\n          board {\n            id\n            name\n          }\n          pinned\n          expiresAt\n          suggestedText {\n            network\n            text\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Feed($first: Int!, $after: String, $boardId: ID) {\n    feed(first: $first, after: $after, boardId: $boardId) {\n      edges {\n        cursor\n        node {\n          boardId\n          board {\n            id\n            name\n          }\n          pinned\n          expiresAt\n          suggestedText {\n            network\n            text\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PostCard on Post {\n    id\n    title\n    state\n    shareCount\n    clickCount\n    currentVersion {\n      id\n      content {\n        title\n        body\n        link\n        media {\n          url\n          altText\n          kind\n        }\n        tags\n        shareText\n        shareTextEditable\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment PostCard on Post {\n    id\n    title\n    state\n    shareCount\n    clickCount\n    currentVersion {\n      id\n      content {\n        title\n        body\n        link\n        media {\n          url\n          altText\n          kind\n        }\n        tags\n        shareText\n        shareTextEditable\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      ...PostCard\n    }\n  }\n"): (typeof documents)["\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      ...PostCard\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationPreferences {\n    notificationPreferences {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n"): (typeof documents)["\n  query NotificationPreferences {\n    notificationPreferences {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {\n    setNotificationPreferences(input: $input) {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {\n    setNotificationPreferences(input: $input) {\n      channels\n      kinds {\n        kind\n        channels\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    readAt\n  }\n"): (typeof documents)["\n  fragment NotificationItem on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    readAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notifications($first: Int!, $after: String) {\n    notifications(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...NotificationItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Notifications($first: Int!, $after: String) {\n    notifications(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...NotificationItem\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationAdded {\n    notificationAdded {\n      ...NotificationItem\n    }\n  }\n"): (typeof documents)["\n  subscription NotificationAdded {\n    notificationAdded {\n      ...NotificationItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n"): (typeof documents)["\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewDiff($id: ID!, $from: Int!, $to: Int!) {\n    post(id: $id) {\n      id\n      diff(from: $from, to: $to) {\n        bodyDiff\n        changes {\n          field\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewDiff($id: ID!, $from: Int!, $to: Int!) {\n    post(id: $id) {\n      id\n      diff(from: $from, to: $to) {\n        bodyDiff\n        changes {\n          field\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApprovePost($input: DecisionInput!) {\n    approvePost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ApprovePost($input: DecisionInput!) {\n    approvePost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestChanges($input: DecisionInput!) {\n    requestChanges(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestChanges($input: DecisionInput!) {\n    requestChanges(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectPost($input: DecisionInput!) {\n    rejectPost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RejectPost($input: DecisionInput!) {\n    rejectPost(input: $input) {\n      decision {\n        id\n      }\n      post {\n        id\n        state\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewQueue($first: Int!) {\n    reviewQueue(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          stage\n          stageStartedAt\n          groups\n          post {\n            id\n            title\n            author {\n              id\n              name\n            }\n            currentVersion {\n              id\n              number\n              content {\n                title\n                channels\n              }\n            }\n            review {\n              id\n              stages {\n                number\n                name\n                slaSeconds\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewQueue($first: Int!) {\n    reviewQueue(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          stage\n          stageStartedAt\n          groups\n          post {\n            id\n            title\n            author {\n              id\n              name\n            }\n            currentVersion {\n              id\n              number\n              content {\n                title\n                channels\n              }\n            }\n            review {\n              id\n              stages {\n                number\n                name\n                slaSeconds\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DecisionSignIn {\n    decisionSignInValidUntil\n  }\n"): (typeof documents)["\n  query DecisionSignIn {\n    decisionSignInValidUntil\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewPost($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      state\n      author {\n        id\n        name\n      }\n      currentVersion {\n        id\n        number\n        contentHash\n        createdAt\n        author {\n          id\n          name\n        }\n        content {\n          title\n          body\n          link\n          media {\n            url\n            altText\n            kind\n          }\n          channelOverrides {\n            channel\n            body\n          }\n          tags\n          channels\n        }\n      }\n      versions {\n        id\n        number\n        createdAt\n      }\n      review {\n        id\n        status\n        versionId\n        contentHash\n        currentStage\n        stageStartedAt\n        stages {\n          number\n          name\n          slaSeconds\n          cleared\n          groups {\n            group\n            required\n            approvals\n            clearedAt\n          }\n        }\n        plan {\n          workflowName\n          rules {\n            ruleId\n            name\n            note\n            error\n            action {\n              kind\n              group\n              stageName\n            }\n          }\n          labels {\n            name\n            evidence\n            start\n            end\n          }\n        }\n      }\n      decisions {\n        id\n        kind\n        comment\n        stage\n        versionId\n        createdAt\n        reviewer {\n          id\n          name\n          email\n        }\n      }\n      comments {\n        id\n        body\n        versionId\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n      publicationPlan {\n        publishAt\n        timeZone\n        manualRelease\n        channels {\n          id\n          name\n          platform\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewPost($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      state\n      author {\n        id\n        name\n      }\n      currentVersion {\n        id\n        number\n        contentHash\n        createdAt\n        author {\n          id\n          name\n        }\n        content {\n          title\n          body\n          link\n          media {\n            url\n            altText\n            kind\n          }\n          channelOverrides {\n            channel\n            body\n          }\n          tags\n          channels\n        }\n      }\n      versions {\n        id\n        number\n        createdAt\n      }\n      review {\n        id\n        status\n        versionId\n        contentHash\n        currentStage\n        stageStartedAt\n        stages {\n          number\n          name\n          slaSeconds\n          cleared\n          groups {\n            group\n            required\n            approvals\n            clearedAt\n          }\n        }\n        plan {\n          workflowName\n          rules {\n            ruleId\n            name\n            note\n            error\n            action {\n              kind\n              group\n              stageName\n            }\n          }\n          labels {\n            name\n            evidence\n            start\n            end\n          }\n        }\n      }\n      decisions {\n        id\n        kind\n        comment\n        stage\n        versionId\n        createdAt\n        reviewer {\n          id\n          name\n          email\n        }\n      }\n      comments {\n        id\n        body\n        versionId\n        createdAt\n        author {\n          id\n          name\n        }\n      }\n      publicationPlan {\n        publishAt\n        timeZone\n        manualRelease\n        channels {\n          id\n          name\n          platform\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddReviewComment($postId: ID!, $body: String!) {\n    addComment(postId: $postId, body: $body) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation AddReviewComment($postId: ID!, $body: String!) {\n    addComment(postId: $postId, body: $body) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewQueueIds {\n    reviewQueue(first: 100) {\n      totalCount\n      edges {\n        node {\n          stageStartedAt\n          post {\n            id\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewQueueIds {\n    reviewQueue(first: 100) {\n      totalCount\n      edges {\n        node {\n          stageStartedAt\n          post {\n            id\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Search($text: String!, $boardId: ID, $tags: [String!], $first: Int!, $after: String) {\n    search(text: $text, boardId: $boardId, tags: $tags, first: $first, after: $after) {\n      total\n      boardFacets {\n        count\n        board {\n          id\n          name\n        }\n      }\n      tagFacets {\n        tag\n        count\n      }\n      edges {\n        cursor\n        node {\n          score\n          title\n          snippet\n          boards {\n            id\n            name\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Search($text: String!, $boardId: ID, $tags: [String!], $first: Int!, $after: String) {\n    search(text: $text, boardId: $boardId, tags: $tags, first: $first, after: $after) {\n      total\n      boardFacets {\n        count\n        board {\n          id\n          name\n        }\n      }\n      tagFacets {\n        tag\n        count\n      }\n      edges {\n        cursor\n        node {\n          score\n          title\n          snippet\n          boards {\n            id\n            name\n          }\n          post {\n            ...PostCard\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Leaderboard {\n    leaderboard(first: 20) {\n      ...LeaderboardRow\n    }\n    myLeaderboardEntry {\n      ...LeaderboardRow\n    }\n  }\n"): (typeof documents)["\n  query Leaderboard {\n    leaderboard(first: 20) {\n      ...LeaderboardRow\n    }\n    myLeaderboardEntry {\n      ...LeaderboardRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LeaderboardRow on LeaderboardEntry {\n    rank\n    shares\n    clicks\n    points\n    user {\n      id\n      name\n      department\n    }\n  }\n"): (typeof documents)["\n  fragment LeaderboardRow on LeaderboardEntry {\n    rank\n    shares\n    clicks\n    points\n    user {\n      id\n      name\n      department\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyShares($first: Int!, $after: String) {\n    myShares(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          network\n          status\n          statusReason\n          text\n          trackedUrl\n          clicks\n          createdAt\n          sharedAt\n          scheduleAt\n          post {\n            id\n            title\n            currentVersion {\n              id\n              content {\n                title\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyShares($first: Int!, $after: String) {\n    myShares(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          network\n          status\n          statusReason\n          text\n          trackedUrl\n          clicks\n          createdAt\n          sharedAt\n          scheduleAt\n          post {\n            id\n            title\n            currentVersion {\n              id\n              content {\n                title\n              }\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyShareTotals {\n    myShareTotals {\n      shares\n      clicks\n    }\n  }\n"): (typeof documents)["\n  query MyShareTotals {\n    myShareTotals {\n      shares\n      clicks\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelShare($id: ID!) {\n    cancelShare(id: $id) {\n      id\n      status\n      statusReason\n    }\n  }\n"): (typeof documents)["\n  mutation CancelShare($id: ID!) {\n    cancelShare(id: $id) {\n      id\n      status\n      statusReason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShareContext {\n    shareEditsNeedApproval\n    connectedAccounts {\n      network\n      connected\n    }\n  }\n"): (typeof documents)["\n  query ShareContext {\n    shareEditsNeedApproval\n    connectedAccounts {\n      network\n      connected\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharePost($postId: ID!, $network: ShareNetwork!, $text: String, $scheduleAt: Time) {\n    sharePost(postId: $postId, network: $network, text: $text, scheduleAt: $scheduleAt) {\n      id\n      network\n      text\n      edited\n      status\n      statusReason\n      trackedUrl\n      intentUrl\n      scheduleAt\n      clicks\n      createdAt\n      post {\n        id\n        shareCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SharePost($postId: ID!, $network: ShareNetwork!, $text: String, $scheduleAt: Time) {\n    sharePost(postId: $postId, network: $network, text: $text, scheduleAt: $scheduleAt) {\n      id\n      network\n      text\n      edited\n      status\n      statusReason\n      trackedUrl\n      intentUrl\n      scheduleAt\n      clicks\n      createdAt\n      post {\n        id\n        shareCount\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;