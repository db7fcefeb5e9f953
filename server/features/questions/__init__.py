"""The question queue: attendees ask and upvote; moderators approve, merge, pin, answer, ban."""
