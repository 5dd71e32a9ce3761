FROM python:latest AS build
FROM registry.example.com/team/app:latest
