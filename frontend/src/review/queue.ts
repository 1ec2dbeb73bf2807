import { graphql } from '../gql';

/** The posts awaiting the caller (how many, and the first 100), for the navigation's count and j/k on the review page. */
export const queueIdsQuery = graphql(`
  query ReviewQueueIds {
    reviewQueue(first: 100) {
      totalCount
      edges {
        node {
          stageStartedAt
          post {
            id
          }
        }
      }
    }
  }
`);

/** Notification kinds after which the queue may have changed. */
export const queueKinds = ['REVIEW_REQUESTED', 'REVIEW_REMINDER', 'REVIEW_ESCALATED', 'POST_DECIDED'];
